package dev.baton.routing;

import static dev.baton.routing.PathPattern.segmentEnd;
import static dev.baton.routing.PathPattern.skipSlashes;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Maps an HTTP method and an already URL-decoded path to a handler.
 *
 * <p>Routes live in a trie with one level per path segment; routes of the same shape ({@code /users/{id}}
 * and {@code /users/{uid}}) share a node and differ only by method. Per segment, a static child is tried
 * before the parameter child before the wildcard, backtracking when a branch dead-ends or has no handler
 * for the method. A lookup walks the path in place, by indexes, and allocates nothing but the
 * {@link RouteMatch} and its {@link PathParams}, which read the values out of the path only when asked.
 *
 * <p>Before the walk, a path that is exactly a route without parameters (the commonest lookup) is found by
 * one hash lookup of the whole path, and answered with a match made once at registration: no walk and no
 * allocation. That always agrees with the walk, which would follow static children all the way down and
 * stop at that same route first.
 *
 * <p>Register every route before sharing the router: {@link #add} is not synchronized, while
 * {@link #find} only reads and may then run from any number of threads.
 */
public final class Router<H> {

    private static final String GET = "GET";
    private static final String HEAD = "HEAD";

    private final Node<H> root = new Node<>();
    /** The nodes of the routes without parameters, by their canonical path ("/", "/users/me"). */
    private final Map<String, Node<H>> staticNodes = new HashMap<>();

    public Router() {}

    /**
     * Registers {@code handler} for {@code method} (upper-case, e.g. "GET") on {@code pattern}, such as
     * "/", "/users", "/users/{id}" or "/files/{*rest}".
     *
     * @throws IllegalArgumentException if the pattern is malformed
     * @throws IllegalStateException if the method already has a route of the same shape
     */
    public void add(String method, String pattern, H handler) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        PathPattern parsed = PathPattern.parse(Objects.requireNonNull(pattern, "pattern"));
        Node<H> node = root;
        for (PathPattern.Segment segment : parsed.segments()) {
            node = switch (segment.type()) {
                case STATIC -> node.staticChild(segment.value());
                case PARAM -> node.param != null ? node.param : (node.param = new Node<>());
                case WILDCARD -> node.wildcard != null ? node.wildcard : (node.wildcard = new Node<>());
            };
        }
        Route<H> existing = node.routes.get(method);
        if (existing != null) {
            throw new IllegalStateException("duplicate route: " + method + " " + pattern
                    + " conflicts with " + method + " " + existing.pattern().source());
        }
        node.routes.put(method, new Route<>(this, parsed, handler));
        node.allowed = allowSet(node.routes.keySet());
        if (parsed.staticPath() != null) {
            staticNodes.put(parsed.staticPath(), node);
        }
    }

    /**
     * Resolves a request; {@code path} must already be URL-decoded. Repeated and trailing slashes are
     * ignored ("//users/" finds "/users"), but a canonical path is found fastest.
     */
    public RouteMatch<H> find(String method, String path) {
        Objects.requireNonNull(method, "method");
        Node<H> exact = staticNodes.get(path);
        Route<H> route = exact == null ? null : exact.routes.get(method);
        if (route == null) {
            route = first(root, path, 0, method);
        }
        if (route == null && HEAD.equals(method)) {
            route = first(root, path, 0, GET);
        }
        if (route != null) {
            return route.match(path);
        }
        SortedSet<String> allowed = allowedMethods(path);
        return allowed == null ? RouteMatch.notFound() : RouteMatch.methodNotAllowed(allowed);
    }

    /** The Allow set of the patterns matching {@code path} (see {@link RouteMatch#allowedMethods}); null if none. */
    SortedSet<String> allowedMethods(String path) {
        return allowed(root, path, 0, null);
    }

    /** The first route for {@code method}, in precedence order, among those matching the path from {@code pos}. */
    private Route<H> first(Node<H> node, String path, int pos, String method) {
        int start = skipSlashes(path, pos);
        if (start == path.length()) {
            Route<H> here = node.routes.get(method);
            return here != null ? here : node.wildcardRoute(method);
        }
        int end = segmentEnd(path, start);
        Node<H> child = node.statics.get(path, start, end);
        Route<H> route = child == null ? null : first(child, path, end, method);
        if (route == null && node.param != null) {
            route = first(node.param, path, end, method);
        }
        return route != null ? route : node.wildcardRoute(method);
    }

    /**
     * The same walk as {@link #first}, but through every matching pattern, folding their allowed methods
     * into {@code acc}; null when no pattern matches.
     */
    private SortedSet<String> allowed(Node<H> node, String path, int pos, SortedSet<String> acc) {
        int start = skipSlashes(path, pos);
        if (start == path.length()) {
            return union(union(acc, node.allowed), node.wildcardAllowed());
        }
        int end = segmentEnd(path, start);
        Node<H> child = node.statics.get(path, start, end);
        if (child != null) {
            acc = allowed(child, path, end, acc);
        }
        if (node.param != null) {
            acc = allowed(node.param, path, end, acc);
        }
        return union(acc, node.wildcardAllowed());
    }

    /** Reuses either side when it already covers the other, so the usual single match copies nothing. */
    private static SortedSet<String> union(SortedSet<String> a, SortedSet<String> b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        if (a.containsAll(b)) {
            return a;
        }
        if (b.containsAll(a)) {
            return b;
        }
        SortedSet<String> both = new TreeSet<>(a);
        both.addAll(b);
        return Collections.unmodifiableSortedSet(both);
    }

    private static SortedSet<String> allowSet(Set<String> methods) {
        SortedSet<String> allowed = new TreeSet<>(methods);
        if (allowed.contains(GET)) {
            allowed.add(HEAD);
        }
        allowed.add("OPTIONS");
        return Collections.unmodifiableSortedSet(allowed);
    }

    /** A registered route; one without parameters answers every lookup with the same match. */
    private static final class Route<H> {
        private final Router<H> router;
        private final PathPattern pattern;
        private final H handler;
        /** Null when the pattern has parameters: then each match carries the path its values come from. */
        private final RouteMatch<H> fixed;

        Route(Router<H> router, PathPattern pattern, H handler) {
            this.router = router;
            this.pattern = pattern;
            this.handler = handler;
            // Every path this pattern matches has the same segments, hence the same Allow set.
            this.fixed = pattern.staticPath() == null ? null
                    : RouteMatch.found(handler, pattern.source(), Map.of(), router, pattern.staticPath());
        }

        PathPattern pattern() {
            return pattern;
        }

        RouteMatch<H> match(String path) {
            return fixed != null ? fixed
                    : RouteMatch.found(handler, pattern.source(), new PathParams(pattern, path), router, path);
        }
    }

    /** One trie level: the routes ending here, by method, and the ways to continue. */
    private static final class Node<H> {
        final Map<String, Route<H>> routes = new HashMap<>();
        /** Precomputed from {@link #routes} so lookups never rebuild it; null while no route ends here. */
        SortedSet<String> allowed;
        final SegmentTable<Node<H>> statics = new SegmentTable<>();
        Node<H> param;
        /** Terminal: whatever remains of the path belongs to it. */
        Node<H> wildcard;

        /** The static child for {@code text}, created when missing. */
        Node<H> staticChild(String text) {
            Node<H> child = statics.get(text, 0, text.length());
            if (child == null) {
                child = new Node<>();
                statics.put(text, child);
            }
            return child;
        }

        Route<H> wildcardRoute(String method) {
            return wildcard == null ? null : wildcard.routes.get(method);
        }

        SortedSet<String> wildcardAllowed() {
            return wildcard == null ? null : wildcard.allowed;
        }
    }
}
