package dev.baton;

import java.util.function.Consumer;

/**
 * Where routes are registered: the app itself, or a group under a path prefix ({@link #path}). {@code R} is the
 * registering type, so that calls chain on it ({@code app.get(...).post(...)} stays a {@link Baton}).
 */
public interface Routes<R extends Routes<R>> {

    /** Registers {@code handler} for {@code method} (upper case, e.g. "GET") and {@code pattern}. */
    R route(String method, String pattern, Handler handler);

    default R get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    default R post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    default R put(String pattern, Handler handler) {
        return route("PUT", pattern, handler);
    }

    default R patch(String pattern, Handler handler) {
        return route("PATCH", pattern, handler);
    }

    default R delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    default R head(String pattern, Handler handler) {
        return route("HEAD", pattern, handler);
    }

    default R options(String pattern, Handler handler) {
        return route("OPTIONS", pattern, handler);
    }

    /** Registers the routes {@code group} adds under {@code prefix}: {@code app.path("/api", api -> api.get(...))}. */
    @SuppressWarnings("unchecked")
    default R path(String prefix, Consumer<Group> group) {
        group.accept(new Group(this, prefix));
        return (R) this;
    }

    /** The routes of one {@link #path} prefix; groups nest. */
    final class Group implements Routes<Group> {
        private final Routes<?> outer;
        private final String base;

        Group(Routes<?> outer, String prefix) {
            this.outer = outer;
            this.base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }

        @Override
        public Group route(String method, String pattern, Handler handler) {
            // "/" under "/api" is "/api" itself, not "/api/"
            outer.route(method, base.isEmpty() || !"/".equals(pattern) ? base + pattern : base, handler);
            return this;
        }
    }
}
