package dev.baton;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A request that failed validation: a 400 naming each field and what is wrong with it, thrown by {@link Validator}
 * and {@link BodyValidator} (and by {@code bodyAs} for JSON that does not fit). Unless the app maps it with
 * {@link Baton#exception}, Baton answers it with a JSON body:
 * {@code {"status":400,"title":"Bad Request","errors":{"qty":["must be positive"]}}}. An error about the body as a
 * whole (malformed JSON) is under {@code "body"}.
 */
public final class ValidationException extends HttpException {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<String>> errors;

    /** {@code errors}: the messages of each field, in the order they should be shown. */
    public ValidationException(Map<String, List<String>> errors) {
        super(400, summary(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ValidationException names at least one field");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        errors.forEach((field, messages) -> copy.put(field, List.copyOf(messages)));
        this.errors = Collections.unmodifiableMap(copy);
    }

    static ValidationException of(String field, String message) {
        return new ValidationException(Map.of(field, List.of(message)));
    }

    /** The messages of each field that failed, e.g. {@code {qty=[must be positive]}}. */
    public Map<String, List<String>> errors() {
        return errors;
    }

    /** One line: {@code qty: must be positive; limit: must be an integer} (a body error without its key). */
    private static String summary(Map<String, List<String>> errors) {
        StringJoiner line = new StringJoiner("; ");
        errors.forEach((field, messages) -> messages.forEach(
                message -> line.add(BodyValidator.BODY.equals(field) ? message : field + ": " + message)));
        return line.toString();
    }
}
