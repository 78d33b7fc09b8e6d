package dev.baton.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The known settings: the key, how a value is read, what it must look like, and the default.
 *
 * <p>Settings are read first thing at start-up, so nothing here uses lambdas, method references, streams or
 * regular expressions: each lambda is a class spun at run time and each pattern a compilation, some 14 ms of a
 * start-up in all. A setting's {@link Form} says how its values are read and printed.
 */
enum Setting {
    HOST("host", Form.TEXT, "a non-empty host name or IP address", "0.0.0.0"),
    PORT("port", Form.PORT, "an integer from 0 to 65535", 8080),
    // Default: the cores, at least 2 (defaultValue).
    IO_THREADS("ioThreads", Form.POSITIVE_INT, "an integer of at least 1", null),
    // Default: ioThreads × 8 (defaultValue).
    WORKER_THREADS("workerThreads", Form.POSITIVE_INT, "an integer of at least 1", null),
    // auto: virtual threads from Java 24 on (JEP 491), the worker pool below (see HandlerThreads). Checked here, so
    // that true on a JVM without virtual threads stops the app in its first line, like any other bad value.
    VIRTUAL_THREADS("virtualThreads", Form.VIRTUAL_THREADS, "auto, true or false", BatonConfig.VirtualThreads.AUTO),
    MAX_BODY_SIZE("maxBodySize", Form.SIZE, "a size greater than 0 like 512, 64KB, 10MB or 1GB", 10L << 20),
    // Zero is meaningful here: cut open connections at once instead of draining them.
    DRAIN_TIMEOUT("drainTimeout", Form.DURATION, "a duration like 500ms, 30s or 2m", Duration.ofSeconds(30)),
    READY_TIMEOUT("readyTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(60)),
    // Zero turns probation off: the old generation exits once drained, as soon as the new one took over.
    PROBATION("probation", Form.DURATION, "a duration like 500ms, 30s or 2m", Duration.ofSeconds(30)),
    WARM_UP("warmUp", Form.REQUEST_PATHS,
            "request paths separated by commas, each starting with / like /,/api/items?limit=10", List.of()),
    WARM_UP_TIME("warmUpTime", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(1)),
    TRAIN("train", Form.BOOLEAN, "true or false", false),
    // The HTTP timeouts: each bounds how long one slow or stalled client can hold a connection, a buffer and a
    // drain (a stalled exchange would otherwise keep an old generation alive until drainTimeout).
    REQUEST_HEAD_TIMEOUT("requestHeadTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(10)),
    READ_TIMEOUT("readTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(30)),
    WRITE_TIMEOUT("writeTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(30)),
    // Longer than the 60 s idle timeout of common load balancers, so that they, not Baton, close idle connections:
    // a server closing one just as the balancer reuses it fails that request.
    KEEP_ALIVE_TIMEOUT("keepAliveTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofSeconds(75)),
    // Path.of only, never toRealPath or normalize: the deploy path is often a symlink that is re-pointed on
    // each release, and the upgrade must start whatever it points to then.
    JAR("jar", Form.PATH, "a file path", null),
    PID_FILE("pidFile", Form.PATH, "a file path", null),
    SIGNALS("signals", Form.BOOLEAN, "true or false", true),
    // The operator's endpoints (health, status) on the main listener; "off" leaves every path to the app.
    OPS_PATH("opsPath", Form.OPS_PATH, "a path like /baton (one or more segments, no trailing /), or off", "/baton"),
    // A listener of its own for the operator's endpoints (off the public port), carried across upgrades like the
    // main one. "off": they answer on the main listener under opsPath.
    ADMIN("admin", Form.ADDRESS, "host:port like 127.0.0.1:9090 ([::1]:9090 for IPv6), or off", ""),
    // HTTPS beside the main listener, carried across upgrades like it; the certificate is read by each generation,
    // so that an upgrade (with or without a new jar) is how a renewed certificate is taken up.
    HTTPS("https", Form.ADDRESS, "host:port like 0.0.0.0:8443 ([::]:8443 for IPv6), or off", ""),
    // Cleartext HTTP/2 on the main listener, for proxies and gRPC clients that speak it (prior knowledge only).
    H2C("h2c", Form.BOOLEAN, "true or false", false),
    TLS_CERT("tlsCert", Form.PATH, "a file path (a PEM certificate chain, e.g. certbot's fullchain.pem)", null),
    TLS_KEY("tlsKey", Form.PATH, "a file path (a PEM private key, e.g. certbot's privkey.pem)", null),
    TLS_KEYSTORE("tlsKeystore", Form.PATH, "a file path (a PKCS#12 keystore with one key)", null),
    TLS_KEYSTORE_PASSWORD_FILE("tlsKeystorePasswordFile", Form.PATH, "a file path (holding the keystore's password)", null),
    // Under the 1 s a Kubernetes probe waits by default, with time to spare for the answer itself.
    READINESS_TIMEOUT("readinessTimeout", Form.POSITIVE_DURATION, "a duration greater than 0 like 500ms, 30s or 2m",
            Duration.ofMillis(500)),
    ACCESS_LOG("accessLog", Form.BOOLEAN, "true or false", false),
    // Counting a request costs an adder or two; the registry and the text format load at the first scrape.
    METRICS("metrics", Form.BOOLEAN, "true or false", true),
    // Off unless asked for: a proxy in front often compresses already, and compressing costs CPU on every answer.
    COMPRESSION("compression", Form.BOOLEAN, "true or false", false),
    // Under about a packet, compressing saves no round trip and costs CPU (Javalin's threshold is 1500 bytes).
    COMPRESSION_MIN_SIZE("compressionMinSize", Form.SIZE, "a size greater than 0 like 512, 1KB or 64KB", 1024L),
    // Jetty's default for a WebSocket text message: what a chat or an event needs, and a bound on what one client can
    // make the server buffer. A longer message closes its socket with 1009.
    WS_MAX_MESSAGE_SIZE("wsMaxMessageSize", Form.SIZE, "a size greater than 0 like 512, 64KB, 10MB or 1GB", 64L << 10),
    // A drain closes WebSockets (1012) at random moments within this window, so that their clients do not all
    // reconnect at once; cut short to fit inside drainTimeout. Zero closes them all at once.
    WS_CLOSE_SPREAD("wsCloseSpread", Form.DURATION, "a duration like 500ms, 30s or 2m", Duration.ofSeconds(5)),
    // Dev mode (baton:dev): pages reload after each upgrade. Never on unless asked for.
    DEV("dev", Form.BOOLEAN, "true or false", false),
    // baton:dev's JVM: each generation stops when it ends, so that no app outlives a killed dev loop.
    OWNER_PID("ownerPid", Form.POSITIVE_LONG, "a process id (an integer of at least 1)", null);

    /** How values are read and printed. */
    enum Form {
        TEXT, PORT, POSITIVE_INT, POSITIVE_LONG, VIRTUAL_THREADS, SIZE, DURATION, POSITIVE_DURATION, REQUEST_PATHS,
        BOOLEAN, PATH, OPS_PATH, ADDRESS
    }

    /** How a setting is named where it is written. */
    enum Naming {
        /** As {@link BatonConfig#with} takes it: {@code port}. */
        KEY(""),
        /** A system property: {@code baton.port}. */
        PROPERTY("baton."),
        /** An environment variable: {@code BATON_PORT}. */
        ENVIRONMENT("BATON_");

        private final String prefix;

        Naming(String prefix) {
            this.prefix = prefix;
        }

        /** Whether {@code name} is in Baton's namespace in this naming: {@code baton.*}, {@code BATON_*}. */
        boolean isOurs(String name) {
            return name.startsWith(prefix);
        }
    }

    private final String key;
    private final String propertyName;
    private final String envName;
    private final Form form;
    private final String expected;
    /** The default, unless it depends on the machine or on other settings (see {@link #defaultValue}). */
    private final Object defaultValue;

    Setting(String key, Form form, String expected, Object defaultValue) {
        this.key = key;
        this.propertyName = Naming.PROPERTY.prefix + key;
        this.envName = Naming.ENVIRONMENT.prefix + upperSnakeCase(key);
        this.form = form;
        this.expected = expected;
        this.defaultValue = defaultValue;
    }

    String key() {
        return key;
    }

    String propertyName() {
        return propertyName;
    }

    String envName() {
        return envName;
    }

    String name(Naming naming) {
        return switch (naming) {
            case KEY -> key;
            case PROPERTY -> propertyName;
            case ENVIRONMENT -> envName;
        };
    }

    /** ioThreads → IO_THREADS. */
    private static String upperSnakeCase(String key) {
        StringBuilder name = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                name.append('_');
            }
            name.append(c);
        }
        // Locale.ROOT: in a Turkish locale "pidFile" would otherwise become BATON_PİD_FİLE.
        return name.toString().toUpperCase(Locale.ROOT);
    }

    /** Parses a raw value; {@code writtenName} is how the user named the setting, for the error message. */
    Object parse(String writtenName, String raw) {
        String text = raw.trim();
        Object value;
        try {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            value = read(text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(writtenName, text, expected);
        }
        String why = form == Form.VIRTUAL_THREADS ? virtualThreadsUsable(value) : null;
        if (why != null) {
            throw new ConfigException(writtenName, writtenName + ": '" + text + "' " + why);
        }
        return value;
    }

    private Object read(String text) {
        return switch (form) {
            case TEXT -> text;
            case PORT -> Units.parseInt(text, 0, 65535);
            case POSITIVE_INT -> Units.parseInt(text, 1, Integer.MAX_VALUE);
            case POSITIVE_LONG -> positiveLong(text);
            case VIRTUAL_THREADS -> BatonConfig.VirtualThreads.parse(text);
            case SIZE -> Units.parseSize(text);
            case DURATION -> Units.parseDuration(text);
            case POSITIVE_DURATION -> positiveDuration(text);
            case REQUEST_PATHS -> requestPaths(text);
            case BOOLEAN -> Units.parseBoolean(text);
            case PATH -> Path.of(text);
            case OPS_PATH -> opsPath(text);
            case ADDRESS -> address(text);
        };
    }

    /** The default, which may depend on other settings; null when the setting has none. */
    Object defaultValue(BatonConfig config) {
        if (this == IO_THREADS) {
            return Math.max(2, Runtime.getRuntime().availableProcessors());
        }
        if (this == WORKER_THREADS) {
            return (int) Math.min(Integer.MAX_VALUE, config.ioThreads() * 8L);
        }
        return defaultValue;
    }

    String print(Object value) {
        if (value == null) {
            return "(none)";
        }
        String text = switch (form) {
            case VIRTUAL_THREADS -> ((BatonConfig.VirtualThreads) value).text();
            case SIZE -> Units.formatSize((Long) value);
            case DURATION, POSITIVE_DURATION -> Units.formatDuration((Duration) value);
            case REQUEST_PATHS -> ((List<?>) value).isEmpty() ? "(none)" : join((List<?>) value, ",");
            case OPS_PATH, ADDRESS -> ((String) value).isEmpty() ? "off" : (String) value;
            default -> String.valueOf(value);
        };
        return ConfigException.oneLine(text);
    }

    static boolean isPropertyStyle(String name) {
        return Naming.PROPERTY.isOurs(name);
    }

    /** The setting whose name, in the given naming, is exactly {@code name}; null when there is none. */
    static Setting find(String name, Naming naming) {
        for (Setting setting : values()) {
            if (setting.name(naming).equals(name)) {
                return setting;
            }
        }
        return null;
    }

    static ConfigException unknown(String name, Naming naming) {
        String nearest = nearest(name, naming);
        String hint = nearest == null ? "" : " (did you mean " + nearest + "?)";
        List<String> known = new ArrayList<>();
        for (Setting setting : values()) {
            known.add(setting.name(naming));
        }
        return new ConfigException(name, "unknown setting " + name + hint + "; known settings: " + join(known, ", "));
    }

    /** The known name closest to {@code name}, within two edits (case aside); the first of equals; else null. */
    private static String nearest(String name, Naming naming) {
        String nearest = null;
        int nearestDistance = Integer.MAX_VALUE;
        for (Setting setting : values()) {
            String known = setting.name(naming);
            int distance = known.equalsIgnoreCase(name) ? 0 : editDistance(known, name);
            if (distance <= 2 && distance < nearestDistance) {
                nearest = known;
                nearestDistance = distance;
            }
        }
        return nearest;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String join(List<?> values, String separator) {
        StringBuilder joined = new StringBuilder();
        for (Object value : values) {
            if (joined.length() > 0) {
                joined.append(separator);
            }
            joined.append(value);
        }
        return joined.toString();
    }

    /** GET targets for the warm-up: a path (and query) each, nothing a request line could not carry. */
    private static List<String> requestPaths(String text) {
        List<String> paths = new ArrayList<>();
        for (String part : text.split(",")) { // one plain character: String.split takes it without a regex
            String path = part.trim();
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(path);
            }
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new IllegalArgumentException(path);
                }
            }
            paths.add(path);
        }
        return List.copyOf(paths);
    }

    private static Long positiveLong(String text) {
        long value = Long.parseLong(text);
        if (value < 1) {
            throw new IllegalArgumentException(text);
        }
        return value;
    }

    /** "off" (read as ""), or a path of one or more segments of letters, digits, '-', '_' and '.'. */
    private static String opsPath(String text) {
        if (text.equals("off")) {
            return "";
        }
        if (!text.startsWith("/") || text.endsWith("/") || text.contains("//")) {
            throw new IllegalArgumentException(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '/' || c == '-' || c == '_' || c == '.')) {
                throw new IllegalArgumentException(text);
            }
        }
        return text;
    }

    /** "off" (read as ""), or host:port with a port from 0 to 65535; an IPv6 host in brackets. */
    private static String address(String text) {
        if (text.equals("off")) {
            return "";
        }
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.isEmpty() || host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException(text);
        }
        Units.parseInt(text.substring(colon + 1), 0, 65535);
        return text;
    }

    static String virtualThreadsUsable(Object value) {
        return virtualThreadsUsable(value, Runtime.version().feature(), System.getProperty("java.version"));
    }

    static String virtualThreadsUsable(Object value, int feature, String javaVersion) {
        if (value != BatonConfig.VirtualThreads.TRUE || feature >= BatonConfig.VirtualThreads.FIRST_JAVA) {
            return null;
        }
        return "needs virtual threads, which came with Java " + BatonConfig.VirtualThreads.FIRST_JAVA
                + "; this JVM is Java " + javaVersion + ": set it to auto or false, or run on Java 21 or later";
    }

    private static Duration positiveDuration(String text) {
        Duration duration = Units.parseDuration(text);
        if (duration.isZero()) {
            throw new IllegalArgumentException(text);
        }
        return duration;
    }
}
