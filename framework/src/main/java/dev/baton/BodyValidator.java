package dev.baton;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The request body read as JSON and checked, e.g.
 * {@code ctx.bodyValidator(Item.class).check("qty", i -> i.qty() > 0, "must be positive").get()}. JSON that does
 * not fit the type (malformed, {@code 1965.7} for an int) or a failed check ends the request with one
 * {@link ValidationException} (400) naming every field that failed.
 */
public final class BodyValidator<T> {

    /** The key of errors about the body as a whole. */
    static final String BODY = "body";

    private record Check<T>(String field, Predicate<? super T> test, String message) {}

    private final Context ctx;
    private final Class<T> type;
    private final List<Check<T>> checks = new ArrayList<>();

    BodyValidator(Context ctx, Class<T> type) {
        this.ctx = ctx;
        this.type = type;
    }

    /** Adds a check of the whole body; a failure is reported under {@code "body"}. */
    public BodyValidator<T> check(Predicate<? super T> test, String message) {
        return check(BODY, test, message);
    }

    /** Adds a check whose failure is reported under {@code field}, e.g. {@code "qty"} with "must be positive". */
    public BodyValidator<T> check(String field, Predicate<? super T> test, String message) {
        checks.add(new Check<>(field, test, message));
        return this;
    }

    /** The body, read and checked: every check runs, and all failures are reported together. */
    public T get() {
        T value = ctx.bodyAs(type);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (Check<T> check : checks) {
            if (!check.test().test(value)) {
                errors.computeIfAbsent(check.field(), field -> new ArrayList<>()).add(check.message());
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return value;
    }
}
