package dev.baton;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.util.Methods;
import java.io.IOException;
import java.util.function.Consumer;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

/**
 * The handler behind {@link Baton#sse}: opens the event stream, then hands its client to the app. It runs on a
 * worker (or a virtual thread, {@code baton.virtualThreads}) like any handler, after the before-filters (which can
 * still refuse the request with a status), and the app's callback may block. Undertow's {@code ServerSentEventHandler} is not used: it calls back on the IO thread,
 * outside Baton's pipeline; its {@link ServerSentEventConnection} does the writing.
 */
final class SseRoute implements Handler {

    private final Consumer<SseClient> onOpen;
    private volatile boolean draining;

    SseRoute(Consumer<SseClient> onOpen) {
        this.onOpen = onOpen;
    }

    @Override
    public void handle(Context ctx) {
        ctx.contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache");
        HttpServerExchange exchange = ctx.undertowExchange();
        if (draining || Methods.HEAD.equals(exchange.getRequestMethod())) {
            // An empty stream: EventSource reconnects after its retry delay, on a new connection, which only the
            // next generation accepts (this one answers with Connection: close while it drains).
            return;
        }
        // The stream ends with its connection, as with Undertow's own handler: no chunking, and a client that
        // reconnects after a drain cannot land on this generation's connection again.
        exchange.setPersistent(false);
        StreamSinkChannel sink = exchange.getResponseChannel();
        try {
            Channels.flushBlocking(sink); // the client sees the stream open before the first event
        } catch (IOException e) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        SseClient client = new SseClient(ctx, new ServerSentEventConnection(exchange, sink));
        try {
            onOpen.accept(client);
        } catch (RuntimeException e) {
            // The 200 is on the wire: the pipeline could not answer with an error status any more.
            ExceptionMapper.LOG.error("{} {}: the SSE onOpen callback failed", ctx.method(), ctx.path(), e);
            client.close();
        }
        if (draining) {
            // The drain began while onOpen ran, perhaps after the app's onDrain callbacks looked for clients to
            // send away: left open, this stream would hold the drain until its deadline.
            client.close();
        }
    }

    /** From the first of the drain callbacks on, streams end at once (see {@link Baton#sse}). */
    void drain() {
        draining = true;
    }

    /** Streams open again: the next generation died on probation and this one serves on. */
    void resume() {
        draining = false;
    }
}
