package dev.baton;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the handler registered for the nearest class of a thrown exception; answers 500 for the rest. */
final class ExceptionMapper {

    static final Logger LOG = LoggerFactory.getLogger(Baton.class);

    private final Map<Class<? extends Exception>, ExceptionHandler<? extends Exception>> handlers;
    private final ErrorBodies bodies;

    ExceptionMapper(Map<Class<? extends Exception>, ExceptionHandler<? extends Exception>> handlers, ErrorBodies bodies) {
        this.handlers = new LinkedHashMap<>(handlers);
        this.bodies = bodies;
    }

    void handle(Exception e, Context ctx) {
        ExceptionHandler<Exception> handler = find(e.getClass());
        if (handler != null) {
            try {
                handler.handle(e, ctx);
                return;
            } catch (Exception failure) {
                failure.addSuppressed(e);
                e = failure;
            }
        }
        if (e instanceof ValidationException invalid) {
            bodies.answer(ctx, invalid);
        } else if (e instanceof HttpException http) {
            bodies.answer(ctx, http.status(), http.getMessage());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            bodies.answer(ctx, 500, "Internal Server Error");
        }
    }

    @SuppressWarnings("unchecked")
    private ExceptionHandler<Exception> find(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            ExceptionHandler<? extends Exception> handler = handlers.get(c);
            if (handler != null) {
                return (ExceptionHandler<Exception>) handler;
            }
        }
        return null;
    }
}
