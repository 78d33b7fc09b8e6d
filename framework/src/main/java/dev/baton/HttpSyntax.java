package dev.baton;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Checks what a handler puts into response headers. Undertow writes each char of a header as one byte, unchecked:
 * a CR LF would end the header and start another, and a char beyond Latin-1 would turn into some other byte.
 */
final class HttpSyntax {

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private HttpSyntax() {}

    /** {@code s} if it is an RFC 9110 token (a header or cookie name). */
    static String token(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || !(Character.isLetterOrDigit(c) || TOKEN_SYMBOLS.indexOf(c) >= 0)) {
                throw refused(what + " is not a token", s, i);
            }
        }
        return s;
    }

    /** {@code s} if it is a header value: no control character but tab, nothing beyond Latin-1. */
    static String fieldValue(String what, String s) {
        Objects.requireNonNull(s, what);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw refused(what, s, i);
            }
        }
        return s;
    }

    /**
     * {@code location} with every non-ASCII character percent-encoded as UTF-8, so that no char can become a byte
     * that changes where it points (U+012F would go out as '/'); ASCII, {@code %XX} escapes included, is kept.
     * Control characters are refused rather than dropped, as browsers drop tab and newline from URLs.
     */
    static String location(String location) {
        Objects.requireNonNull(location, "redirect location");
        StringBuilder out = new StringBuilder(location.length());
        for (int i = 0; i < location.length(); ) {
            int c = location.codePointAt(i);
            if (c < 0x20 || c == 0x7F || Character.getType(c) == Character.SURROGATE) {
                throw refused("redirect location", location, i);
            }
            if (c < 0x80) {
                out.append((char) c);
            } else {
                for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX.toHexDigits(b));
                }
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /** Names the character but never echoes the text: it may be a CR LF meant for the log as well. */
    static IllegalArgumentException refused(String what, String s, int index) {
        return new IllegalArgumentException(
                String.format("%s: character U+%04X at index %d is not allowed", what, (int) s.charAt(index), index));
    }
}
