package dev.baton.examples.todo;

import java.time.Instant;

/** A todo as the API shows it: {@code {"id":1,"title":"buy milk","done":false,"created":"2025-11-25T07:04:00Z"}}. */
public record Todo(long id, String title, boolean done, Instant created) {}
