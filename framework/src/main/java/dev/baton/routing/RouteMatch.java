package dev.baton.routing;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The outcome of {@link Router#find}: a handler with its path parameters, a 405, or a 404. */
public final class RouteMatch<H> {

    public enum Kind { FOUND, METHOD_NOT_ALLOWED, NOT_FOUND }

    // A miss carries no data, so every NOT_FOUND can share one instance.
    private static final RouteMatch<Object> NOT_FOUND =
            new RouteMatch<>(Kind.NOT_FOUND, null, null, Map.of(), Set::of);

    private final Kind kind;
    private final H handler;
    private final String pattern;
    private final Map<String, String> pathParams;
    // Worked out on demand for a match: a request that found its route rarely asks (OPTIONS and 405 do), and the
    // walk through every matching pattern would double the cost of each lookup.
    private final Supplier<Set<String>> allowedMethods;

    private RouteMatch(Kind kind, H handler, String pattern, Map<String, String> pathParams,
                       Supplier<Set<String>> allowedMethods) {
        this.kind = kind;
        this.handler = handler;
        this.pattern = pattern;
        this.pathParams = pathParams;
        this.allowedMethods = allowedMethods;
    }

    static <H> RouteMatch<H> found(H handler, String pattern, Map<String, String> pathParams,
                                   Supplier<Set<String>> allowedMethods) {
        return new RouteMatch<>(Kind.FOUND, handler, pattern, pathParams, allowedMethods);
    }

    static <H> RouteMatch<H> methodNotAllowed(Set<String> allowedMethods) {
        return new RouteMatch<>(Kind.METHOD_NOT_ALLOWED, null, null, Map.of(), () -> allowedMethods);
    }

    @SuppressWarnings("unchecked") // safe: the shared instance holds no H
    static <H> RouteMatch<H> notFound() {
        return (RouteMatch<H>) NOT_FOUND;
    }

    public Kind kind() {
        return kind;
    }

    /** The route's handler; null unless {@link Kind#FOUND}. */
    public H handler() {
        return handler;
    }

    /** The matched route's pattern exactly as registered (e.g. for metrics labels); null unless FOUND. */
    public String pattern() {
        return pattern;
    }

    /** Unmodifiable parameter values by name, in pattern order; empty unless FOUND. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /**
     * Unmodifiable, sorted methods every pattern matching the path accepts, plus HEAD when GET is among
     * them and always OPTIONS: the {@code Allow} header for a 405 or an OPTIONS reply. Empty for NOT_FOUND.
     */
    public Set<String> allowedMethods() {
        return allowedMethods.get();
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FOUND -> "FOUND " + pattern + " " + pathParams;
            case METHOD_NOT_ALLOWED -> "METHOD_NOT_ALLOWED " + allowedMethods.get();
            case NOT_FOUND -> "NOT_FOUND";
        };
    }
}
