package dev.baton.routing;

import static dev.baton.routing.PathPattern.segmentEnd;
import static dev.baton.routing.PathPattern.skipSlashes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Maps an HTTP method and an already URL-decoded path to a handler.
 *
 * <p>Routes live in a trie with one level per path segment; routes of the same shape ({@code /users/{id}}
 * and {@code /users/{uid}}) share a node and differ only by method. A lookup walks the path in place, so
 * it allocates nothing but the {@link RouteMatch} and its parameter map. Per segment, a static child is
 * tried before the parameter child before the wildcard, backtracking when a branch dead-ends or has no
 * handler for the method.
 *
 * <p>Register every route before sharing the router: {@link #add} is not synchronized, while
 * {@link #find} only reads and may then run from any number of threads.
 */
public final class Router<H> {

    private static final String GET = "GET";
    private static final String HEAD = "HEAD";

    private final Node<H> root = new Node<>();

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
                case STATIC -> node.staticChildOrCreate(segment.value());
                case PARAM -> node.param != null ? node.param : (node.param = new Node<>());
                case WILDCARD -> node.wildcard != null ? node.wildcard : (node.wildcard = new Node<>());
            };
        }
        Route<H> existing = node.routes.get(method);
        if (existing != null) {
            throw new IllegalStateException("duplicate route: " + method + " " + pattern
                    + " conflicts with " + method + " " + existing.pattern().source());
        }
        node.routes.put(method, new Route<>(parsed, handler));
        node.allowed = allowedMethods(node.routes.keySet());
    }

    /** Resolves a request; {@code path} must already be URL-decoded. */
    public RouteMatch<H> find(String method, String path) {
        Objects.requireNonNull(method, "method");
        Route<H> route = first(root, path, 0, method);
        if (route == null && HEAD.equals(method)) {
            route = first(root, path, 0, GET);
        }
        if (route != null) {
            return RouteMatch.found(route.handler(), route.pattern().source(), route.pattern().extract(path),
                    () -> allowed(root, path, 0, null));
        }
        SortedSet<String> allowed = allowed(root, path, 0, null);
        return allowed == null ? RouteMatch.notFound() : RouteMatch.methodNotAllowed(allowed);
    }

    /** The first route for {@code method}, in precedence order, among those matching the path from {@code pos}. */
    private Route<H> first(Node<H> node, String path, int pos, String method) {
        int start = skipSlashes(path, pos);
        if (start == path.length()) {
            Route<H> here = node.routes.get(method);
            return here != null ? here : node.wildcardRoute(method);
        }
        int end = segmentEnd(path, start);
        Node<H> child = node.staticChild(path, start, end);
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
        Node<H> child = node.staticChild(path, start, end);
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

    private static SortedSet<String> allowedMethods(Set<String> methods) {
        SortedSet<String> allowed = new TreeSet<>(methods);
        if (allowed.contains(GET)) {
            allowed.add(HEAD);
        }
        allowed.add("OPTIONS");
        return Collections.unmodifiableSortedSet(allowed);
    }

    private record Route<H>(PathPattern pattern, H handler) {}

    /** One trie level: the routes ending here, by method, and the ways to continue. */
    private static final class Node<H> {
        final Map<String, Route<H>> routes = new HashMap<>();
        /** Precomputed from {@link #routes} so lookups never rebuild it; null while no route ends here. */
        SortedSet<String> allowed;
        // Sorted so a lookup can binary-search them against a region of the path without a substring.
        final List<String> staticKeys = new ArrayList<>();
        final List<Node<H>> staticChildren = new ArrayList<>();
        Node<H> param;
        /** Terminal: whatever remains of the path belongs to it. */
        Node<H> wildcard;

        Node<H> staticChild(String path, int start, int end) {
            int index = indexOf(path, start, end);
            return index >= 0 ? staticChildren.get(index) : null;
        }

        Node<H> staticChildOrCreate(String text) {
            int index = indexOf(text, 0, text.length());
            if (index >= 0) {
                return staticChildren.get(index);
            }
            Node<H> child = new Node<>();
            staticKeys.add(-index - 1, text);
            staticChildren.add(-index - 1, child);
            return child;
        }

        Route<H> wildcardRoute(String method) {
            return wildcard == null ? null : wildcard.routes.get(method);
        }

        SortedSet<String> wildcardAllowed() {
            return wildcard == null ? null : wildcard.allowed;
        }

        /** Binary search for {@code path[start, end)}; like {@link java.util.Collections#binarySearch}. */
        private int indexOf(String path, int start, int end) {
            int low = 0;
            int high = staticKeys.size() - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int cmp = compare(staticKeys.get(mid), path, start, end);
                if (cmp < 0) {
                    low = mid + 1;
                } else if (cmp > 0) {
                    high = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(low + 1);
        }

        /** {@link String#compareTo} between {@code key} and {@code path[start, end)}. */
        private static int compare(String key, String path, int start, int end) {
            int length = end - start;
            int shared = Math.min(key.length(), length);
            for (int i = 0; i < shared; i++) {
                int diff = key.charAt(i) - path.charAt(start + i);
                if (diff != 0) {
                    return diff;
                }
            }
            return key.length() - length;
        }
    }
}
