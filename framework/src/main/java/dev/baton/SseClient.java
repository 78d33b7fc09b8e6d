package dev.baton;

import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventConnection.EventCallback;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * One client of a server-sent events route ({@link Baton#sse}). Events may be sent from any thread; each is
 * queued and written by the connection's IO thread, in the order sent, so a slow client never blocks the sender.
 * The stream stays open until {@link #close()}, the client leaves, or the app's drain deadline cuts it.
 *
 * <p>A client that went away is noticed at the next write: an event, or the keep-alive comment sent every 15 s.
 */
public final class SseClient {

    /** How often a quiet stream gets a comment line: the spec's advice, and what keeps proxies from timing out. */
    private static final long KEEP_ALIVE_MILLIS = 15_000;

    private final Context ctx;
    private final ServerSentEventConnection connection;
    private final XnioIoThread ioThread;
    private final AtomicBoolean closing = new AtomicBoolean();
    // One for the stream being open plus one per event not yet written: the stream ends when it drops to zero.
    private final AtomicInteger holds = new AtomicInteger(1);
    private final EventCallback released = new EventCallback() {
        @Override
        public void done(ServerSentEventConnection connection, String data, String event, String id) {
            release();
        }

        @Override
        public void failed(ServerSentEventConnection connection, String data, String event, String id, IOException e) {
            release();
        }
    };
    private final List<Runnable> closeCallbacks = new ArrayList<>();
    private boolean closed; // guarded by closeCallbacks

    SseClient(Context ctx, ServerSentEventConnection connection) {
        this.ctx = ctx;
        this.connection = connection;
        this.ioThread = ctx.undertowExchange().getIoThread();
        connection.addCloseTask(closedConnection -> closed());
        connection.setKeepAliveTime(KEEP_ALIVE_MILLIS);
    }

    /** Sends an event of the default type ({@code message}) with {@code data}; newlines make several data lines. */
    public void send(String data) {
        send(null, null, data);
    }

    /** Sends an event of type {@code event} (null for {@code message}). */
    public void send(String event, String data) {
        send(null, event, data);
    }

    /**
     * Sends an event with an id (null for none), which the client sends back as {@code Last-Event-ID} when it
     * reconnects. After {@link #close()}, or once the client left, the event is dropped.
     */
    public void send(String id, String event, String data) {
        requireOneLine("id", id);
        requireOneLine("event", event);
        // Undertow splits data lines at \n only; a lone \r would end a line in the client and open a field there.
        String lines = Objects.requireNonNull(data, "data").replace("\r\n", "\n").replace('\r', '\n');
        if (hold()) {
            connection.send(lines, event, id, released);
        }
    }

    /** Tells the client how long to wait before it reconnects once this stream ends. */
    public void retry(Duration delay) {
        long millis = delay.toMillis();
        if (millis <= 0) {
            throw new IllegalArgumentException("the retry delay must be at least 1 ms, got " + delay);
        }
        if (hold()) {
            connection.sendRetry(millis, released);
        }
    }

    /**
     * Ends the stream once the events sent so far are written; later ones are dropped. The client reconnects
     * after its retry delay, unless it closed the EventSource itself.
     */
    public void close() {
        if (closing.compareAndSet(false, true)) {
            release();
        }
    }

    /** False once {@link #close()} was called or the stream is known to be closed. */
    public boolean isOpen() {
        return !closing.get() && connection.isOpen();
    }

    /**
     * Runs {@code callback} once the stream is closed, by either side (at once if it is already). It runs on an
     * IO thread: keep it short, e.g. removing the client from the set of those that get events.
     */
    public void onClose(Runnable callback) {
        synchronized (closeCallbacks) {
            if (!closed) {
                closeCallbacks.add(callback);
                return;
            }
        }
        callback.run();
    }

    /** The id of the last event the client saw before it reconnected ({@code Last-Event-ID}), or null. */
    public String lastEventId() {
        return ctx.header("Last-Event-ID");
    }

    /** The request that opened the stream: path and query parameters, headers, cookies. */
    public Context ctx() {
        return ctx;
    }

    /** Counts one more event on its way, unless the stream is closing. */
    private boolean hold() {
        for (int count = holds.get(); count > 0 && !closing.get(); count = holds.get()) {
            if (holds.compareAndSet(count, count + 1)) {
                return true;
            }
        }
        return false;
    }

    private void release() {
        if (holds.decrementAndGet() == 0 && connection.isOpen()) {
            // Undertow's close() drops the events still queued, and its graceful shutdown() never ends a stream
            // whose queue was not empty when called; so the close waits for the last event here. It runs as a task
            // of its own: the last callback comes from inside Undertow's write loop, which still uses its buffer.
            ioThread.execute(() -> IoUtils.safeClose(connection));
        }
    }

    private void closed() {
        closing.set(true); // so isOpen() says false to the callbacks, before Undertow marks its connection closed
        List<Runnable> callbacks;
        synchronized (closeCallbacks) {
            if (closed) {
                return;
            }
            closed = true;
            callbacks = List.copyOf(closeCallbacks);
            closeCallbacks.clear();
        }
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                ExceptionMapper.LOG.warn("{} {}: an SSE onClose callback failed", ctx.method(), ctx.path(), e);
            }
        }
    }

    private static void requireOneLine(String field, String value) {
        if (value != null && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("an SSE " + field + " cannot contain a line break: " + value);
        }
    }
}
