package dev.baton;

import dev.baton.routing.RouteMatch;
import dev.baton.routing.Router;
import java.util.ArrayList;
import java.util.List;

/** The before- or the after-filters of an app, in the order added: each for every path, or for one route pattern. */
final class Filters {

    /** {@code scope} is null for a filter of every path. */
    private record Filter(Router<Handler> scope, Handler handler) {}

    private final List<Filter> filters = new ArrayList<>();
    private List<Handler> all = List.of();
    private boolean scoped;

    /** {@code pattern} in the syntax of routes, or null for every path. */
    void add(String pattern, Handler handler) {
        Router<Handler> scope = null;
        if (pattern != null) {
            // A router of its own: the filter matches exactly the paths a route of this pattern would.
            scope = new Router<>();
            scope.add("GET", pattern, handler);
            scoped = true;
        }
        filters.add(new Filter(scope, handler));
        List<Handler> handlers = new ArrayList<>(all);
        handlers.add(handler);
        all = List.copyOf(handlers);
    }

    /** The filters for {@code path} (canonical), in the order added. */
    List<Handler> matching(String path) {
        if (!scoped) {
            return all; // the usual case: nothing to look up per request
        }
        List<Handler> matching = new ArrayList<>(filters.size());
        for (Filter filter : filters) {
            if (filter.scope() == null || filter.scope().find("GET", path).kind() == RouteMatch.Kind.FOUND) {
                matching.add(filter.handler());
            }
        }
        return matching;
    }

    /** Whether none of {@code handlers} may block, so that they may run on an IO thread. */
    static boolean nonBlocking(List<Handler> handlers) {
        for (Handler handler : handlers) {
            if (!(handler instanceof Handler.NonBlocking)) {
                return false;
            }
        }
        return true;
    }
}
