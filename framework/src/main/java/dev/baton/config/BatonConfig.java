package dev.baton.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Baton's settings, immutable. Each is read from the system property {@code baton.<key>}, else the environment
 * variable {@code BATON_<KEY>}, else its default. Unknown {@code baton.*} / {@code BATON_*} names are errors, so
 * a typo cannot silently leave a default in place.
 *
 * <p>Read first thing at start-up: plain loops here, no lambdas or streams (see {@link Setting}).
 */
public final class BatonConfig {
    // Baton hands its listening sockets to the next process through these; they are not settings.
    private static final String HANDOFF_PREFIX = "BATON_HANDOFF_";

    // Only the values that were set; unset ones fall back to their default on read, so that a default which
    // depends on another setting (workerThreads on ioThreads) follows it through with().
    private final Map<Setting, Object> values;

    private BatonConfig(Map<Setting, Object> values) {
        this.values = values;
    }

    public static BatonConfig load() {
        Properties properties = System.getProperties();
        Map<String, String> systemProperties = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            systemProperties.put(name, properties.getProperty(name));
        }
        return from(systemProperties, System.getenv());
    }

    public static BatonConfig from(Map<String, String> systemProperties, Map<String, String> environment) {
        // Sorted, so that with several mistakes the same one is reported every run.
        Map<String, String> properties = new TreeMap<>(systemProperties);
        Map<String, String> env = new TreeMap<>(environment);
        for (Iterator<String> names = env.keySet().iterator(); names.hasNext(); ) {
            if (names.next().startsWith(HANDOFF_PREFIX)) {
                names.remove();
            }
        }
        rejectUnknown(properties, Setting.Naming.PROPERTY);
        rejectUnknown(env, Setting.Naming.ENVIRONMENT);

        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String name = setting.propertyName();
            String raw = properties.get(name);
            if (raw == null) {
                // Only read when no property overrides it: a -D is how one works around a bad environment value.
                name = setting.envName();
                raw = env.get(name);
            }
            if (raw != null) {
                values.put(setting, setting.parse(name, raw));
            }
        }
        return new BatonConfig(values);
    }

    public static BatonConfig defaults() {
        return new BatonConfig(new EnumMap<>(Setting.class));
    }

    /**
     * A duration written as Baton's settings are ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}), for tools
     * that take durations on their command line.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static Duration parseDuration(String text) {
        return Units.parseDuration(text);
    }

    /** A copy with one setting changed; {@code key} is {@code port} or {@code baton.port}. */
    public BatonConfig with(String key, String value) {
        Objects.requireNonNull(value, "value");
        Setting.Naming naming = Setting.isPropertyStyle(key) ? Setting.Naming.PROPERTY : Setting.Naming.KEY;
        Setting setting = Setting.find(key, naming);
        if (setting == null) {
            throw Setting.unknown(key, naming);
        }
        Map<Setting, Object> copy = new EnumMap<>(values);
        copy.put(setting, setting.parse(key, value));
        return new BatonConfig(copy);
    }

    public String host() {
        return (String) get(Setting.HOST);
    }

    public int port() {
        return (Integer) get(Setting.PORT);
    }

    public int ioThreads() {
        return (Integer) get(Setting.IO_THREADS);
    }

    public int workerThreads() {
        return (Integer) get(Setting.WORKER_THREADS);
    }

    /**
     * Whether blocking handlers run on virtual threads, one per request, instead of the {@link #workerThreads()}
     * pool: {@code true} (needs Java 21 or later), {@code false}, or {@code auto}, the default, which picks them on
     * Java 24 and later (where a virtual thread blocking inside {@code synchronized} no longer pins its carrier
     * thread, JEP 491) and the worker pool below.
     */
    public VirtualThreads virtualThreads() {
        return (VirtualThreads) get(Setting.VIRTUAL_THREADS);
    }

    /** The values of {@code baton.virtualThreads}, named as written. */
    public enum VirtualThreads {
        /** Virtual threads on Java {@value #AUTO_FROM} and later, the worker pool below. */
        AUTO,
        /** Virtual threads; a JVM older than Java {@value #FIRST_JAVA} refuses the setting. */
        TRUE,
        /** The worker pool, {@code baton.workerThreads} platform threads. */
        FALSE;

        /** The first Java with virtual threads (JEP 444). */
        public static final int FIRST_JAVA = 21;
        /** The first Java where {@code auto} picks them: JEP 491, no pinning inside {@code synchronized}. */
        public static final int AUTO_FROM = 24;

        /** Whether handlers run on virtual threads on a JVM of Java {@code feature} (e.g. 17, 21, 25). */
        public boolean virtualOn(int feature) {
            return switch (this) {
                case AUTO -> feature >= AUTO_FROM;
                case TRUE -> true;
                case FALSE -> false;
            };
        }

        /** {@code auto}, {@code true} or {@code false}. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static VirtualThreads parse(String text) {
            for (VirtualThreads value : values()) {
                if (value.text().equalsIgnoreCase(text)) {
                    return value;
                }
            }
            throw new IllegalArgumentException(text);
        }
    }

    public long maxBodySize() {
        return (Long) get(Setting.MAX_BODY_SIZE);
    }

    public Duration drainTimeout() {
        return (Duration) get(Setting.DRAIN_TIMEOUT);
    }

    /** The longest WebSocket message accepted, in bytes; a longer one closes its socket with 1009. */
    public long wsMaxMessageSize() {
        return (Long) get(Setting.WS_MAX_MESSAGE_SIZE);
    }

    /** The window a drain spreads the closes (1012) of open WebSockets over, before the cap drainTimeout sets. */
    public Duration wsCloseSpread() {
        return (Duration) get(Setting.WS_CLOSE_SPREAD);
    }

    public Duration readyTimeout() {
        return (Duration) get(Setting.READY_TIMEOUT);
    }

    /**
     * How long an old generation stays parked after a hand-off, its copy of the listener kept, ready to resume
     * should the new generation die; zero for none.
     */
    public Duration probation() {
        return (Duration) get(Setting.PROBATION);
    }

    /** Paths that a new generation GETs from itself before it reports ready, besides those the app declares. */
    @SuppressWarnings("unchecked")
    public List<String> warmUp() {
        return (List<String>) get(Setting.WARM_UP);
    }

    /** How long the warm-up repeats its requests, at most; each is sent at least once. */
    public Duration warmUpTime() {
        return (Duration) get(Setting.WARM_UP_TIME);
    }

    /**
     * A training run: the app serves on a private loopback port, runs its warm-up and exits 0, for the JVM to
     * write a class-data archive or AOT cache of what it loaded.
     */
    public boolean train() {
        return (Boolean) get(Setting.TRAIN);
    }

    /** The longest a client may take to send a request's head (request line and headers). */
    public Duration requestHeadTimeout() {
        return (Duration) get(Setting.REQUEST_HEAD_TIMEOUT);
    }

    /** The longest a request body may stop arriving before the exchange is cut. */
    public Duration readTimeout() {
        return (Duration) get(Setting.READ_TIMEOUT);
    }

    /** The longest a client may stop reading a response Baton is writing before the exchange is cut. */
    public Duration writeTimeout() {
        return (Duration) get(Setting.WRITE_TIMEOUT);
    }

    /** How long a kept-alive connection may wait for its next request. */
    public Duration keepAliveTimeout() {
        return (Duration) get(Setting.KEEP_ALIVE_TIMEOUT);
    }

    /** The deploy path of the jar to start on upgrade, exactly as written: symlinks are not resolved. */
    public Optional<Path> jar() {
        return Optional.ofNullable((Path) get(Setting.JAR));
    }

    public Optional<Path> pidFile() {
        return Optional.ofNullable((Path) get(Setting.PID_FILE));
    }

    /** Whether the app installs its SIGUSR2/SIGTERM/SIGINT handlers. */
    public boolean signals() {
        return (Boolean) get(Setting.SIGNALS);
    }

    /** Where the operator's endpoints are ({@code /baton/health/ready}, ...); empty when they are off. */
    public Optional<String> opsPath() {
        String path = (String) get(Setting.OPS_PATH);
        return path.isEmpty() ? Optional.empty() : Optional.of(path);
    }

    /**
     * The admin listener's address ({@code host:port}, an IPv6 host in brackets), where the operator's endpoints
     * answer instead of on the main listener; empty when off.
     */
    public Optional<InetSocketAddress> admin() {
        return address(Setting.ADMIN);
    }

    private Optional<InetSocketAddress> address(Setting setting) {
        String address = (String) get(setting);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))));
    }

    /** The HTTPS listener's address; empty when off. */
    public Optional<InetSocketAddress> https() {
        return address(Setting.HTTPS);
    }

    /** Whether the main listener speaks cleartext HTTP/2 (by prior knowledge) beside HTTP/1.1. */
    public boolean h2c() {
        return (Boolean) get(Setting.H2C);
    }

    /** The certificate chain and key (PEM) or the PKCS#12 keystore and its password file HTTPS serves. */
    public Optional<Path> tlsCert() {
        return Optional.ofNullable((Path) get(Setting.TLS_CERT));
    }

    public Optional<Path> tlsKey() {
        return Optional.ofNullable((Path) get(Setting.TLS_KEY));
    }

    public Optional<Path> tlsKeystore() {
        return Optional.ofNullable((Path) get(Setting.TLS_KEYSTORE));
    }

    public Optional<Path> tlsKeystorePasswordFile() {
        return Optional.ofNullable((Path) get(Setting.TLS_KEYSTORE_PASSWORD_FILE));
    }

    /** How long the app's readiness checks may take together before a probe answers without them. */
    public Duration readinessTimeout() {
        return (Duration) get(Setting.READINESS_TIMEOUT);
    }

    /** Whether each request is logged on {@code baton.access}. */
    public boolean accessLog() {
        return (Boolean) get(Setting.ACCESS_LOG);
    }

    /** Whether requests and upgrades are counted, and shown at {@code <opsPath>/metrics}. */
    public boolean metrics() {
        return (Boolean) get(Setting.METRICS);
    }

    /** Whether compressible responses are sent gzip- or deflate-encoded to clients that accept it. */
    public boolean compression() {
        return (Boolean) get(Setting.COMPRESSION);
    }

    /** The smallest response body {@link #compression()} compresses. */
    public long compressionMinSize() {
        return (Long) get(Setting.COMPRESSION_MIN_SIZE);
    }

    /** Dev mode ({@code baton:dev}): pages reload themselves after each upgrade. */
    public boolean dev() {
        return (Boolean) get(Setting.DEV);
    }

    /** The process whose end stops this generation ({@code baton:dev}'s JVM), if any. */
    public OptionalLong ownerPid() {
        Long pid = (Long) get(Setting.OWNER_PID);
        return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
    }

    /** The effective values on one line, e.g. {@code host=0.0.0.0 port=8080 ... signals=true}. */
    public String describe() {
        StringBuilder line = new StringBuilder();
        for (Setting setting : Setting.values()) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(setting.key()).append('=').append(setting.print(get(setting)));
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return "BatonConfig[" + describe() + "]";
    }

    private Object get(Setting setting) {
        return values.containsKey(setting) ? values.get(setting) : setting.defaultValue(this);
    }

    private static void rejectUnknown(Map<String, String> source, Setting.Naming naming) {
        for (String name : source.keySet()) {
            if (naming.isOurs(name) && Setting.find(name, naming) == null) {
                throw Setting.unknown(name, naming);
            }
        }
    }
}
