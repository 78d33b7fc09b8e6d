package dev.baton.examples.todo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client sends to create ({@code POST}) or replace ({@code PUT}) a todo. {@code done} is a {@code Boolean}
 * so that a missing one can be told from {@code false}.
 */
public record TodoInput(String title, Boolean done) {

    /** Matches the {@code VARCHAR(200)} column, counted in characters (code points), as PostgreSQL counts. */
    static final int MAX_TITLE_LENGTH = 200;

    /** The title as stored: without the spaces around it. */
    String cleanTitle() {
        return title.strip();
    }

    /**
     * Every problem with this input, by field name, empty when there is none: a client fixes them all at once
     * instead of one per round trip.
     *
     * @param replacing a {@code PUT} replaces the whole todo, so it must say {@code done}; a {@code POST} may
     *                  leave it out (false)
     */
    Map<String, String> problems(boolean replacing) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (title == null) {
            problems.put("title", "is required");
        } else if (title.isBlank()) {
            problems.put("title", "must not be blank");
        } else if (cleanTitle().codePointCount(0, cleanTitle().length()) > MAX_TITLE_LENGTH) {
            problems.put("title", "must be at most " + MAX_TITLE_LENGTH + " characters");
        }
        if (replacing && done == null) {
            problems.put("done", "is required (true or false)");
        }
        return problems;
    }
}
