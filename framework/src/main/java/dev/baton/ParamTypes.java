package dev.baton;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** The types a query or path parameter can be read as, and what a client is told when its text is not one. */
final class ParamTypes {

    private record Parser(Function<String, ?> parse, String expected) {}

    // Strict parsers only: Boolean.parseBoolean("yes") is false, which no check could tell from a real false.
    private static final Map<Class<?>, Parser> PARSERS = Map.ofEntries(
            Map.entry(String.class, new Parser(text -> text, "must be text")),
            Map.entry(Integer.class, new Parser(Integer::valueOf, "must be an integer")),
            Map.entry(Long.class, new Parser(Long::valueOf, "must be an integer")),
            Map.entry(Short.class, new Parser(Short::valueOf, "must be an integer")),
            Map.entry(BigInteger.class, new Parser(BigInteger::new, "must be an integer")),
            Map.entry(Double.class, new Parser(ParamTypes::finite, "must be a number")),
            Map.entry(BigDecimal.class, new Parser(BigDecimal::new, "must be a number")),
            Map.entry(Boolean.class, new Parser(ParamTypes::bool, "must be true or false")),
            Map.entry(UUID.class, new Parser(UUID::fromString, "must be a UUID")),
            Map.entry(LocalDate.class, new Parser(LocalDate::parse, "must be a date (2026-12-31)")),
            Map.entry(Instant.class, new Parser(Instant::parse, "must be an instant (2026-12-31T23:59:59Z)")));

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, double.class, Double.class, boolean.class, Boolean.class);

    private ParamTypes() {}

    /** {@code type}, boxed; a type no parameter can be read as throws: a mistake in the app, not in the request. */
    @SuppressWarnings("unchecked")
    static <T> Class<T> checked(Class<T> type) {
        Class<T> boxed = (Class<T>) BOXES.getOrDefault(type, type);
        if (!boxed.isEnum() && !PARSERS.containsKey(boxed)) {
            throw new IllegalArgumentException("a parameter cannot be read as " + type.getName() + "; read it as a String"
                    + " and convert it, or as one of " + PARSERS.keySet().stream().map(Class::getSimpleName).sorted().toList()
                    + " or an enum");
        }
        return boxed;
    }

    /** {@code text} as {@code type} (from {@link #checked}), or a 400 naming parameter {@code name}. */
    static <T> T parse(String name, String text, Class<T> type) {
        if (type.isEnum()) {
            for (T constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw ValidationException.of(name, "must be one of "
                    + String.join(", ", Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList()));
        }
        Parser parser = PARSERS.get(type);
        try {
            return type.cast(parser.parse().apply(text));
        } catch (IllegalArgumentException | DateTimeParseException e) { // NumberFormatException is one too
            throw ValidationException.of(name, parser.expected());
        }
    }

    private static Double finite(String text) {
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new NumberFormatException("not finite: " + text);
        }
        return value;
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }
}
