package dev.baton.ws;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * One open WebSocket of a {@link WsEndpoint}: what its upgrade request said (path and query parameters, headers), the
 * app's attributes, and the way to send and close. Messages may be sent from any thread; Undertow queues them and
 * writes them in the order sent, so a slow client never blocks the sender. After the close they are dropped.
 */
public final class WsConnection {

    // Beside baton (the lifecycle) and baton.access: what operators filter on.
    static final Logger LOG = LoggerFactory.getLogger("baton.ws");
    /** RFC 6455 7.4.1 and the IANA registry: the close codes Baton sends of its own accord. */
    static final int GOING_AWAY = 1001;
    static final int INTERNAL_ERROR = 1011;
    static final int SERVICE_RESTART = 1012;
    static final int ABNORMAL = 1006;

    private final String id = UUID.randomUUID().toString();
    private final WsRequest request;
    private final WsEndpoint endpoint;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    /** The socket's callbacks, one at a time and in order (see WsEndpoint). */
    private final InOrder callbacks;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private volatile WebSocketChannel channel;
    /** The close code and reason the client sent, else those the server sent; what onClose reports. */
    private volatile int closeCode = ABNORMAL;
    private volatile String closeReason = "";
    private volatile boolean clientClosed;
    /** The drain's close of this socket, due at its moment in the spread; removed should the drain be called off. */
    private volatile XnioExecutor.Key drainKey;

    WsConnection(WsRequest request, WsEndpoint endpoint, Executor executor) {
        this.request = request;
        this.endpoint = endpoint;
        // Once the server's threads are gone (after its drain) nobody is left to tell: the socket just ends.
        this.callbacks = new InOrder(executor, () -> IoUtils.safeClose(channel));
    }

    /** Unique to this socket (a random UUID). */
    public String id() {
        return id;
    }

    /** The value of {@code {name}} in the route's pattern. */
    public String pathParam(String name) {
        String value = request.pathParams().get(name);
        if (value == null) {
            throw new IllegalArgumentException("this WebSocket route has no path parameter {" + name + "}");
        }
        return value;
    }

    public Map<String, String> pathParams() {
        return request.pathParams();
    }

    /** The first value of query parameter {@code name} of the upgrade request, or null. */
    public String queryParam(String name) {
        List<String> values = request.query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> queryParams(String name) {
        return request.query().getOrDefault(name, List.of());
    }

    /** The first value of header {@code name} of the upgrade request (any case), or null. */
    public String header(String name) {
        List<String> values = request.headers().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Sets an attribute of the app's own on this socket; null removes it. */
    public WsConnection attribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
        return this;
    }

    /** The attribute {@code name}, or null. */
    @SuppressWarnings("unchecked")
    public <T> T attribute(String name) {
        return (T) attributes.get(name);
    }

    /** Sends a text message. */
    public void send(String text) {
        Objects.requireNonNull(text, "text");
        WebSocketChannel open = channel;
        if (open != null && open.isOpen() && !open.isCloseFrameSent()) {
            WebSockets.sendText(text, open, SEND_FAILED);
        }
    }

    /** Sends a binary message. */
    public void send(byte[] bytes) {
        ByteBuffer data = ByteBuffer.wrap(bytes.clone()); // the caller may reuse its array once this returns
        WebSocketChannel open = channel;
        if (open != null && open.isOpen() && !open.isCloseFrameSent()) {
            WebSockets.sendBinary(data, open, SEND_FAILED);
        }
    }

    /** Closes with 1000 (normal closure). */
    public void close() {
        close(1000, "");
    }

    /**
     * Sends a close frame with {@code code} and {@code reason} after the messages sent before it; the connection
     * ends once the client answers, or at the drain deadline should it never.
     */
    public void close(int code, String reason) {
        sendClose(code, reason);
    }

    /** False once either side began the close. */
    public boolean isOpen() {
        WebSocketChannel open = channel;
        return open != null && open.isOpen() && !open.isCloseFrameSent() && !open.isCloseFrameReceived();
    }

    @Override
    public String toString() {
        return "WebSocket " + id + " " + request.path();
    }

    // ---- Baton's side

    /** The handshake is done: {@code connected} is the socket, on its IO thread. */
    void connected(WebSocketChannel connected) {
        channel = connected;
    }

    WsEndpoint endpoint() {
        return endpoint;
    }

    /** The client sent a close frame. */
    void clientClosed(int code, String reason) {
        clientClosed = true;
        closeCode = code;
        closeReason = reason == null ? "" : reason;
    }

    /** Undertow closed the socket itself (1009: a message over the limit). */
    void serverClosed(int code, String reason) {
        if (!clientClosed) {
            closeCode = code;
            closeReason = reason;
        }
    }

    int closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    /**
     * The close frame, once: the app, a drain's 1012 and the deadline's 1001 may all try at about the same time, from
     * different threads. False when a close was sent already (by any of them, or by Undertow).
     */
    private boolean sendClose(int code, String reason) {
        WebSocketChannel open = channel;
        if (open == null || !open.isOpen() || open.isCloseFrameSent() || !closeSent.compareAndSet(false, true)) {
            return false;
        }
        closeCode = code;
        closeReason = reason;
        WebSockets.sendClose(code, reason, open, null);
        return true;
    }

    /** Runs an app callback after those queued before it; a failure goes to onError and closes the socket (1011). */
    void run(WsEndpoint.ConnectionHandler callback, Runnable then) {
        callbacks.submit(() -> {
            try {
                callback.handle(this);
            } catch (Exception | Error e) {
                failed(e, true);
            } finally {
                if (then != null) {
                    then.run();
                }
            }
        });
    }

    /**
     * A callback failed ({@code inApp}), or the connection did: tell the app, then close (1011) unless a close began
     * already. A callback's failure that the app does not handle is logged, as a handler's is.
     */
    void failed(Throwable error, boolean inApp) {
        report(error, inApp);
        sendClose(INTERNAL_ERROR, "");
    }

    private void report(Throwable error, boolean inApp) {
        try {
            if (endpoint.onError != null) {
                endpoint.onError.handle(this, error);
            } else if (inApp) {
                LOG.error("{}: a WebSocket callback failed", this, error);
            }
        } catch (Exception | Error e) {
            LOG.warn("{}: the WebSocket onError callback failed", this, e);
        }
    }

    /**
     * Schedules the drain's turn for this socket ({@link #drainClose}) in {@code delayMillis}, on its IO thread; once
     * only, as a socket that connects just as the drain begins is seen both by the drain and by its own connect.
     */
    boolean scheduleDrain(long delayMillis, BooleanSupplier stillDraining) {
        WebSocketChannel open = channel;
        if (open == null || !drainScheduled.compareAndSet(false, true)) {
            return false;
        }
        drainKey = open.getIoThread().executeAfter(() -> {
            if (stillDraining.getAsBoolean()) {
                drainClose();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    /**
     * The drain's turn for this socket: the app's onDrain, then 1012 behind what it sent; 1012 even when onDrain
     * threw, since the client is to reconnect all the same.
     */
    void drainClose() {
        callbacks.submit(() -> {
            try {
                endpoint.onDrain.handle(this);
            } catch (Exception | Error e) {
                report(e, true);
            } finally {
                sendClose(SERVICE_RESTART, "Service Restart");
            }
        });
    }

    /** The generation serves on (its successor died on probation): a later drain schedules this socket again. */
    void drainCancelled() {
        XnioExecutor.Key key = drainKey;
        if (key != null) {
            key.remove();
        }
        drainScheduled.set(false);
    }

    /**
     * At the drain deadline: 1001 (Going Away) to a socket whose close has not begun, true then; a socket whose
     * 1012 the client never answered is left to the deadline's cut.
     */
    boolean goAway() {
        return sendClose(GOING_AWAY, "Going Away");
    }

    private static final WebSocketCallback<Void> SEND_FAILED = new WebSocketCallback<>() {
        @Override
        public void complete(WebSocketChannel channel, Void context) { }

        @Override
        public void onError(WebSocketChannel channel, Void context, Throwable error) {
            // The connection is gone: its close callback tells the app.
            LOG.debug("a WebSocket send to {} failed: {}", channel.getPeerAddress(), error.toString());
            IoUtils.safeClose(channel);
        }
    };
}
