package ${package};

/** A greeting, read from and written as JSON: {@code {"to":"Ada","text":"hello, Ada"}}. */
public record Greeting(String to, String text) {}
