package dev.baton;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the handler registered for the nearest class of a thrown exception; answers 500 for the rest. */
final class ExceptionMapper {

    static final Logger LOG = LoggerFactory.getLogger(Baton.class);

    private final Map<Class<? extends Exception>, ExceptionHandler<? extends Exception>> handlers;

    ExceptionMapper(Map<Class<? extends Exception>, ExceptionHandler<? extends Exception>> handlers) {
        this.handlers = new LinkedHashMap<>(handlers);
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
        if (e instanceof HttpException http) {
            ctx.status(http.status()).text(http.getMessage());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).text("Internal Server Error");
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
