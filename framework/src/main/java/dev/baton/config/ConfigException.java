package dev.baton.config;

/** A setting that is unknown or has a value Baton cannot use; the message is a single line, fit for a log. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        // No stack trace: uncaught in main, the JVM then prints just this one line, which is all the user needs.
        super(oneLine(message), null, false, false);
        this.key = key;
    }

    /** The setting's name as the user wrote it: {@code baton.port}, {@code BATON_PORT} or {@code port}. */
    public String key() {
        return key;
    }

    static ConfigException invalid(String key, String value, String expected) {
        return new ConfigException(key, key + ": '" + value + "' is not valid; expected " + expected);
    }

    // Values come from the outside world; a stray newline must not split the log line or forge a new one.
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
