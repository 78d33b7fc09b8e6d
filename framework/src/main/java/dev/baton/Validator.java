package dev.baton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A query or path parameter read as a type and checked, e.g.
 * {@code ctx.queryParamAsClass("limit", Integer.class).check(n -> n <= 100, "must be at most 100").getOrDefault(10)}.
 * A value that is not of the type, or fails a check, ends the request with a {@link ValidationException} (400)
 * naming the parameter and every check it failed.
 */
public final class Validator<T> {

    private record Check<T>(Predicate<? super T> test, String message) {}

    private final String name;
    private final String text;
    private final Class<T> type;
    private final List<Check<T>> checks = new ArrayList<>();

    /** {@code text} is the parameter as sent, or null when it was not. */
    Validator(String name, String text, Class<T> type) {
        this.name = name;
        this.text = text;
        this.type = ParamTypes.checked(type);
    }

    /** Adds a check the value must pass; {@code message} says what a failing value is not, e.g. "must be positive". */
    public Validator<T> check(Predicate<? super T> test, String message) {
        checks.add(new Check<>(test, message));
        return this;
    }

    /** The value, checked; a parameter that was not sent is a 400 too ("is required"). */
    public T get() {
        if (text == null) {
            throw ValidationException.of(name, "is required");
        }
        return value();
    }

    /** The value, checked; {@code otherwise} (unchecked) when the parameter was not sent. */
    public T getOrDefault(T otherwise) {
        return text == null ? otherwise : value();
    }

    private T value() {
        T value = ParamTypes.parse(name, text, type);
        List<String> failed = new ArrayList<>();
        for (Check<T> check : checks) {
            if (!check.test().test(value)) {
                failed.add(check.message());
            }
        }
        if (!failed.isEmpty()) {
            throw new ValidationException(Map.of(name, failed));
        }
        return value;
    }
}
