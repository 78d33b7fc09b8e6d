package dev.baton;

import java.util.function.Consumer;

/** Where routes are registered: the app itself, or a group under a path prefix ({@link #path}). */
public interface Routes {

    /** Registers {@code handler} for {@code method} (upper case, e.g. "GET") and {@code pattern}. */
    Routes route(String method, String pattern, Handler handler);

    default Routes get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    default Routes post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    default Routes put(String pattern, Handler handler) {
        return route("PUT", pattern, handler);
    }

    default Routes patch(String pattern, Handler handler) {
        return route("PATCH", pattern, handler);
    }

    default Routes delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    default Routes head(String pattern, Handler handler) {
        return route("HEAD", pattern, handler);
    }

    default Routes options(String pattern, Handler handler) {
        return route("OPTIONS", pattern, handler);
    }

    /** Registers the routes {@code group} adds under {@code prefix}: {@code app.path("/api", api -> api.get(...))}. */
    default Routes path(String prefix, Consumer<Routes> group) {
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        Routes outer = this;
        group.accept(new Routes() {
            @Override
            public Routes route(String method, String pattern, Handler handler) {
                outer.route(method, base.isEmpty() || !"/".equals(pattern) ? base + pattern : base, handler);
                return this;
            }
        });
        return this;
    }
}
