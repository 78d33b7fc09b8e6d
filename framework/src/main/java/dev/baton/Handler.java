package dev.baton;

/**
 * Answers one request. Handlers may block: unless marked with {@link #nonBlocking(Handler)}, Baton runs them
 * on a thread of their own (a virtual thread where the JVM has them, else a worker of its pool; see
 * {@code baton.virtualThreads}), never on an IO thread.
 */
@FunctionalInterface
public interface Handler {

    void handle(Context ctx) throws Exception;

    /**
     * Marks a handler that never blocks, so Baton runs it on the IO thread that read the request and saves
     * the hand-over to a worker. It must not read the body as a stream or wait on anything.
     */
    static Handler nonBlocking(Handler handler) {
        return new NonBlocking(handler);
    }

    /** The marker {@link #nonBlocking(Handler)} puts on a handler. */
    record NonBlocking(Handler delegate) implements Handler {
        @Override
        public void handle(Context ctx) throws Exception {
            delegate.handle(ctx);
        }
    }
}
