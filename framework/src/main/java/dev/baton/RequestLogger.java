package dev.baton;

/**
 * Told of each request once its response is complete, e.g. {@code app.requestLogger((ctx, ms) -> metrics.record(
 * ctx.matchedPattern(), ctx.status(), ms))}. It runs on the thread that completed the response, an IO
 * thread as often as not: it must not block (hand slow work elsewhere). What it throws is logged and dropped.
 */
@FunctionalInterface
public interface RequestLogger {

    /** {@code millis}: from the start of the request (its head read) to the end of its response. */
    void log(Context ctx, double millis) throws Exception;
}
