package dev.baton.routing;

import java.util.Map;
import java.util.Set;

/** The outcome of {@link Router#find}: a handler with its path parameters, a 405, or a 404. */
public final class RouteMatch<H> {

    public enum Kind { FOUND, METHOD_NOT_ALLOWED, NOT_FOUND }

    // A miss carries no data, so every NOT_FOUND can share one instance.
    private static final RouteMatch<Object> NOT_FOUND =
            new RouteMatch<>(Kind.NOT_FOUND, null, null, Map.of(), null, null, Set.of());

    private final Kind kind;
    private final H handler;
    private final String pattern;
    private final Map<String, String> pathParams;
    // For a match, the Allow set is worked out on demand from the router and the path: a request that found its
    // route rarely asks (OPTIONS does), and the walk through every matching pattern would double the cost of each
    // lookup. Fields rather than a Supplier, so that a lookup allocates no lambda.
    private final Router<H> router;
    private final String path;
    /** The Allow set of a miss, known when it is made; null for a match. */
    private final Set<String> allowed;

    private RouteMatch(Kind kind, H handler, String pattern, Map<String, String> pathParams,
                       Router<H> router, String path, Set<String> allowed) {
        this.kind = kind;
        this.handler = handler;
        this.pattern = pattern;
        this.pathParams = pathParams;
        this.router = router;
        this.path = path;
        this.allowed = allowed;
    }

    /** {@code router.allowedMethods(path)} answers {@link #allowedMethods()} when asked. */
    static <H> RouteMatch<H> found(H handler, String pattern, Map<String, String> pathParams,
                                   Router<H> router, String path) {
        return new RouteMatch<>(Kind.FOUND, handler, pattern, pathParams, router, path, null);
    }

    static <H> RouteMatch<H> methodNotAllowed(Set<String> allowedMethods) {
        return new RouteMatch<>(Kind.METHOD_NOT_ALLOWED, null, null, Map.of(), null, null, allowedMethods);
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
        return allowed != null ? allowed : router.allowedMethods(path);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FOUND -> "FOUND " + pattern + " " + pathParams;
            case METHOD_NOT_ALLOWED -> "METHOD_NOT_ALLOWED " + allowed;
            case NOT_FOUND -> "NOT_FOUND";
        };
    }
}
