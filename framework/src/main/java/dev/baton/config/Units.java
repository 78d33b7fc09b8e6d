package dev.baton.config;

import java.time.Duration;

/**
 * Parsing and printing of the value forms settings use. Parsers throw IllegalArgumentException. Read by hand, not
 * with java.util.regex: settings are parsed first thing at start-up, where compiling the patterns cost several ms.
 */
final class Units {
    private static final long KB = 1L << 10;
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    private Units() {
    }

    static int parseInt(String text, int min, int max) {
        // ASCII digits only, 1 to 10 of them: Integer.parseInt alone also takes '+80' and non-ASCII digits.
        int digits = leadingDigits(text);
        if (digits == 0 || digits > 10 || digits != text.length()) {
            throw new IllegalArgumentException(text);
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException(text);
        }
        return (int) value;
    }

    /**
     * An amount, at most one space, and a unit: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 5 s};
     * or a bare {@code 0}, the one amount that means the same in every unit ("probation 0" turns it off).
     */
    static Duration parseDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        int digits = leadingDigits(text);
        // Units stay lower case: "M" would read as mega (or month) as easily as minutes.
        String unit = unit(text, digits);
        if (digits == 0 || !(unit.equals("ms") || unit.equals("s") || unit.equals("m") || unit.equals("h"))) {
            throw new IllegalArgumentException(text);
        }
        long amount = Long.parseLong(text.substring(0, digits));
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** An amount, at most one space, and an optional unit in any case: {@code 512}, {@code 512B}, {@code 64K}, {@code 10MB}. */
    static long parseSize(String text) {
        int digits = leadingDigits(text);
        String unit = unit(text, digits);
        if (digits == 0 || !isSizeUnit(unit)) {
            throw new IllegalArgumentException(text);
        }
        long multiplier = unit.isEmpty() ? 1 : switch (Character.toUpperCase(unit.charAt(0))) {
            case 'K' -> KB;
            case 'M' -> MB;
            case 'G' -> GB;
            default -> 1;
        };
        try {
            long bytes = Math.multiplyExact(Long.parseLong(text.substring(0, digits)), multiplier);
            if (bytes <= 0) {
                throw new IllegalArgumentException(text);
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(text);
    }

    /** Prints in the largest unit that is exact, so the output parses back to the same value. */
    static String formatDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds == 0 || seconds % 60 != 0) {
            return seconds + "s";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds / 60 + "m";
    }

    static String formatSize(long bytes) {
        if (bytes % GB == 0) {
            return bytes / GB + "GB";
        }
        if (bytes % MB == 0) {
            return bytes / MB + "MB";
        }
        return bytes % KB == 0 ? bytes / KB + "KB" : bytes + "B";
    }

    /** How many ASCII digits {@code text} starts with. */
    private static int leadingDigits(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** What follows the amount, past one space if there is one. */
    private static String unit(String text, int amountEnd) {
        int start = amountEnd < text.length() && text.charAt(amountEnd) == ' ' ? amountEnd + 1 : amountEnd;
        return text.substring(start);
    }

    /** Nothing, K, M or G, then B or nothing, in either case: "", "b", "k", "KB", "mB"... */
    private static boolean isSizeUnit(String unit) {
        int i = 0;
        if (i < unit.length() && "KMGkmg".indexOf(unit.charAt(i)) >= 0) {
            i++;
        }
        if (i < unit.length() && (unit.charAt(i) == 'B' || unit.charAt(i) == 'b')) {
            i++;
        }
        return i == unit.length();
    }
}
