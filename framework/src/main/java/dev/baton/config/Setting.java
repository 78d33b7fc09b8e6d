package dev.baton.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/** The known settings: the key, how a value is read, what it must look like, and the default. */
enum Setting {
    HOST("host", "a non-empty host name or IP address", text -> text, c -> "0.0.0.0"),
    PORT("port", "an integer from 0 to 65535", text -> Units.parseInt(text, 0, 65535), c -> 8080),
    IO_THREADS("ioThreads", "an integer of at least 1", Setting::positiveInt,
            c -> Math.max(2, Runtime.getRuntime().availableProcessors())),
    WORKER_THREADS("workerThreads", "an integer of at least 1", Setting::positiveInt,
            c -> (int) Math.min(Integer.MAX_VALUE, c.ioThreads() * 8L)),
    // auto: virtual threads from Java 24 on (JEP 491), the worker pool below (see HandlerThreads). Checked here, so
    // that true on a JVM without virtual threads stops the app in its first line, like any other bad value.
    VIRTUAL_THREADS("virtualThreads", "auto, true or false", BatonConfig.VirtualThreads::parse,
            c -> BatonConfig.VirtualThreads.AUTO, value -> ((BatonConfig.VirtualThreads) value).text(),
            Setting::virtualThreadsUsable),
    MAX_BODY_SIZE("maxBodySize", "a size greater than 0 like 512, 64KB, 10MB or 1GB", Units::parseSize,
            c -> 10L << 20, value -> Units.formatSize((Long) value)),
    // Zero is meaningful here: cut open connections at once instead of draining them.
    DRAIN_TIMEOUT("drainTimeout", "a duration like 500ms, 30s or 2m", Units::parseDuration,
            c -> Duration.ofSeconds(30), value -> Units.formatDuration((Duration) value)),
    READY_TIMEOUT("readyTimeout", "a duration greater than 0 like 500ms, 30s or 2m", Setting::positiveDuration,
            c -> Duration.ofSeconds(60), value -> Units.formatDuration((Duration) value)),
    // Zero turns probation off: the old generation exits once drained, as soon as the new one took over.
    PROBATION("probation", "a duration like 500ms, 30s or 2m", Units::parseDuration,
            c -> Duration.ofSeconds(30), value -> Units.formatDuration((Duration) value)),
    WARM_UP("warmUp", "request paths separated by commas, each starting with / like /,/api/items?limit=10",
            Setting::requestPaths, c -> List.of(), value -> ((List<?>) value).isEmpty() ? "(none)"
                    : ((List<?>) value).stream().map(String::valueOf).collect(Collectors.joining(","))),
    WARM_UP_TIME("warmUpTime", "a duration greater than 0 like 500ms, 30s or 2m", Setting::positiveDuration,
            c -> Duration.ofSeconds(1), value -> Units.formatDuration((Duration) value)),
    TRAIN("train", "true or false", Units::parseBoolean, c -> false),
    // The HTTP timeouts: each bounds how long one slow or stalled client can hold a connection, a buffer and a
    // drain (a stalled exchange would otherwise keep an old generation alive until drainTimeout).
    REQUEST_HEAD_TIMEOUT("requestHeadTimeout", "a duration greater than 0 like 500ms, 30s or 2m",
            Setting::positiveDuration, c -> Duration.ofSeconds(10), value -> Units.formatDuration((Duration) value)),
    READ_TIMEOUT("readTimeout", "a duration greater than 0 like 500ms, 30s or 2m", Setting::positiveDuration,
            c -> Duration.ofSeconds(30), value -> Units.formatDuration((Duration) value)),
    WRITE_TIMEOUT("writeTimeout", "a duration greater than 0 like 500ms, 30s or 2m", Setting::positiveDuration,
            c -> Duration.ofSeconds(30), value -> Units.formatDuration((Duration) value)),
    // Longer than the 60 s idle timeout of common load balancers, so that they, not Baton, close idle connections:
    // a server closing one just as the balancer reuses it fails that request.
    KEEP_ALIVE_TIMEOUT("keepAliveTimeout", "a duration greater than 0 like 500ms, 30s or 2m",
            Setting::positiveDuration, c -> Duration.ofSeconds(75), value -> Units.formatDuration((Duration) value)),
    // Path.of only, never toRealPath or normalize: the deploy path is often a symlink that is re-pointed on
    // each release, and the upgrade must start whatever it points to then.
    JAR("jar", "a file path", Path::of, c -> null),
    PID_FILE("pidFile", "a file path", Path::of, c -> null),
    SIGNALS("signals", "true or false", Units::parseBoolean, c -> true),
    // The operator's endpoints (health, status) on the main listener; "off" leaves every path to the app.
    OPS_PATH("opsPath", "a path like /baton (one or more segments, no trailing /), or off", Setting::opsPath,
            c -> "/baton", value -> ((String) value).isEmpty() ? "off" : (String) value),
    // Under the 1 s a Kubernetes probe waits by default, with time to spare for the answer itself.
    READINESS_TIMEOUT("readinessTimeout", "a duration greater than 0 like 500ms, 30s or 2m", Setting::positiveDuration,
            c -> Duration.ofMillis(500), value -> Units.formatDuration((Duration) value)),
    ACCESS_LOG("accessLog", "true or false", Units::parseBoolean, c -> false),
    // Dev mode (baton:dev): pages reload after each upgrade. Never on unless asked for.
    DEV("dev", "true or false", Units::parseBoolean, c -> false),
    // baton:dev's JVM: each generation stops when it ends, so that no app outlives a killed dev loop.
    OWNER_PID("ownerPid", "a process id (an integer of at least 1)", Setting::positiveLong, c -> null);

    private static final String PROPERTY_PREFIX = "baton.";
    private static final String ENV_PREFIX = "BATON_";

    private final String key;
    private final String expected;
    private final Function<String, Object> parser;
    private final Function<BatonConfig, Object> defaultValue;
    private final Function<Object, String> printer;
    /** Why a well-formed value cannot be used on this JVM (null when it can), e.g. virtualThreads=true on Java 17. */
    private final Function<Object, String> unusable;

    Setting(String key, String expected, Function<String, Object> parser, Function<BatonConfig, Object> defaultValue) {
        this(key, expected, parser, defaultValue, String::valueOf);
    }

    Setting(String key, String expected, Function<String, Object> parser, Function<BatonConfig, Object> defaultValue,
            Function<Object, String> printer) {
        this(key, expected, parser, defaultValue, printer, value -> null);
    }

    Setting(String key, String expected, Function<String, Object> parser, Function<BatonConfig, Object> defaultValue,
            Function<Object, String> printer, Function<Object, String> unusable) {
        this.key = key;
        this.expected = expected;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.printer = printer;
        this.unusable = unusable;
    }

    String key() {
        return key;
    }

    String propertyName() {
        return PROPERTY_PREFIX + key;
    }

    String envName() {
        // Locale.ROOT: in a Turkish locale "pidFile" would otherwise become BATON_PİD_FİLE.
        return ENV_PREFIX + key.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT);
    }

    /** Parses a raw value; {@code writtenName} is how the user named the setting, for the error message. */
    Object parse(String writtenName, String raw) {
        String text = raw.trim();
        Object value;
        try {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            value = parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(writtenName, text, expected);
        }
        String why = unusable.apply(value);
        if (why != null) {
            throw new ConfigException(writtenName, writtenName + ": '" + text + "' " + why);
        }
        return value;
    }

    /** The default, which may depend on other settings; null when the setting has none. */
    Object defaultValue(BatonConfig config) {
        return defaultValue.apply(config);
    }

    String print(Object value) {
        return value == null ? "(none)" : ConfigException.oneLine(printer.apply(value));
    }

    static boolean isPropertyStyle(String name) {
        return name.startsWith(PROPERTY_PREFIX);
    }

    static boolean isEnvStyle(String name) {
        return name.startsWith(ENV_PREFIX);
    }

    /** Finds the setting whose name, in the given naming style, is exactly {@code name}. */
    static Optional<Setting> find(String name, Function<Setting, String> naming) {
        return Arrays.stream(values()).filter(s -> naming.apply(s).equals(name)).findFirst();
    }

    static ConfigException unknown(String name, Function<Setting, String> naming) {
        String hint = nearest(name, naming).map(known -> " (did you mean " + known + "?)").orElse("");
        String known = Arrays.stream(values()).map(naming).collect(Collectors.joining(", "));
        return new ConfigException(name, "unknown setting " + name + hint + "; known settings: " + known);
    }

    private static Optional<String> nearest(String name, Function<Setting, String> naming) {
        ToIntFunction<String> distance = known -> known.equalsIgnoreCase(name) ? 0 : editDistance(known, name);
        return Arrays.stream(values()).map(naming)
                .filter(known -> distance.applyAsInt(known) <= 2)
                .min(Comparator.comparingInt(distance));
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

    private static Object positiveLong(String text) {
        long value = Long.parseLong(text);
        if (value < 1) {
            throw new IllegalArgumentException(text);
        }
        return value;
    }

    private static Object positiveInt(String text) {
        return Units.parseInt(text, 1, Integer.MAX_VALUE);
    }

    /** GET targets for the warm-up: a path (and query) each, nothing a request line could not carry. */
    private static Object requestPaths(String text) {
        List<String> paths = Arrays.stream(text.split(",")).map(String::trim).toList();
        for (String path : paths) {
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException(path);
            }
        }
        return paths;
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

    private static Object opsPath(String text) {
        if (text.equals("off")) {
            return "";
        }
        if (!text.startsWith("/") || text.endsWith("/") || text.contains("//")
                || !text.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '/' || c == '-' || c == '_' || c == '.')) {
            throw new IllegalArgumentException(text);
        }
        return text;
    }

    private static Object positiveDuration(String text) {
        Duration duration = Units.parseDuration(text);
        if (duration.isZero()) {
            throw new IllegalArgumentException(text);
        }
        return duration;
    }
}
