package dev.baton.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing of the value forms settings use. Parsers throw IllegalArgumentException. */
final class Units {
    // Units stay lower case: "M" would read as mega (or month) as easily as minutes.
    private static final Pattern DURATION = Pattern.compile("(\\d+) ?(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+) ?([KMG]?B?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern INTEGER = Pattern.compile("\\d{1,10}");
    private static final long KB = 1L << 10;
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    private Units() {
    }

    static int parseInt(String text, int min, int max) {
        // A plain pattern rather than Integer.parseInt alone, which also takes '+80' and non-ASCII digits.
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException(text);
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException(text);
        }
        return (int) value;
    }

    static Duration parseDuration(String text) {
        Matcher m = match(DURATION, text);
        long amount = Long.parseLong(m.group(1));
        try {
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static long parseSize(String text) {
        Matcher m = match(SIZE, text);
        String unit = m.group(2);
        long multiplier = unit.isEmpty() ? 1 : switch (Character.toUpperCase(unit.charAt(0))) {
            case 'K' -> KB;
            case 'M' -> MB;
            case 'G' -> GB;
            default -> 1;
        };
        try {
            long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
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

    private static Matcher match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        return m;
    }
}
