package dev.baton.examples.todo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Input that failed validation; answered with 400 and {@code {"errors": {field: problem, ...}}}. */
final class InvalidTodoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> errors;

    InvalidTodoException(Map<String, String> errors) {
        // An answer to the client, not a failure of ours: no stack trace to fill in.
        super("invalid todo: " + errors, null, false, false);
        this.errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors)); // in the order they were found
    }

    Map<String, String> errors() {
        return errors;
    }
}
