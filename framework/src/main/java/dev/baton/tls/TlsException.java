package dev.baton.tls;

import java.nio.file.Path;

/**
 * TLS material Baton cannot serve with: one line naming the file and what is wrong with it, fit for the log line
 * of a failed start or upgrade ({@code upgrade failed: <this>; gen N keeps serving}).
 */
public final class TlsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TlsException(Path file, String what) {
        this(file, what, null);
    }

    TlsException(Path file, String what, Throwable cause) {
        // No stack trace, as ConfigException: the message is all an operator needs; the cause stays for a debugger.
        super(oneLine(file + ": " + what), cause, false, false);
    }

    // Paths and the JDK's own messages come from outside: a stray newline must not split the log line or forge one.
    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
