package dev.baton.ws;

import java.util.Objects;

/**
 * What a WebSocket route does with its sockets, as {@code app.ws("/chat/{room}", ws -> ...)} sets it up:
 *
 * <pre>{@code
 * app.ws("/chat/{room}", ws -> {
 *     ws.onConnect(c -> c.send("welcome to " + c.pathParam("room")));
 *     ws.onMessage((c, text) -> c.send("echo " + text));
 *     ws.onDrain(c -> c.send("{\"type\":\"reconnect\"}"));
 * });
 * }</pre>
 *
 * The callbacks of one socket run one at a time, in the order of its events, where blocking handlers run (a worker,
 * or a virtual thread): they may block. While one runs, no more of that socket's messages are read, so a slow
 * handler slows its own client down rather than queueing without bound. Callbacks left unset do nothing (but see
 * {@link #onError}).
 */
public final class WsEndpoint {

    /** Runs for a socket as a whole: connect and drain. */
    @FunctionalInterface
    public interface ConnectionHandler {
        void handle(WsConnection connection) throws Exception;
    }

    /** Runs for each whole text message (fragments are joined first). */
    @FunctionalInterface
    public interface TextHandler {
        void handle(WsConnection connection, String message) throws Exception;
    }

    /** Runs for each whole binary message. */
    @FunctionalInterface
    public interface BinaryHandler {
        void handle(WsConnection connection, byte[] message) throws Exception;
    }

    /**
     * Runs once the socket is closed, by either side: {@code code} is the close code the client sent, or the one
     * the server sent when the client never answered, or 1006 when the connection ended without a close frame.
     */
    @FunctionalInterface
    public interface CloseHandler {
        void handle(WsConnection connection, int code, String reason) throws Exception;
    }

    /**
     * Runs when a callback threw or the connection failed; the socket is closed (1011) unless it was already. Without
     * one, a callback's exception is logged with its stack trace.
     */
    @FunctionalInterface
    public interface ErrorHandler {
        void handle(WsConnection connection, Throwable error) throws Exception;
    }

    ConnectionHandler onConnect = connection -> { };
    TextHandler onMessage = (connection, message) -> { };
    BinaryHandler onBinaryMessage = (connection, message) -> { };
    CloseHandler onClose = (connection, code, reason) -> { };
    /** Null until set: a callback's failure is then logged (ERROR), a connection's is not. */
    ErrorHandler onError;
    ConnectionHandler onDrain = connection -> { };

    WsEndpoint() {}

    /** Once the handshake is done, before any message of the socket. */
    public WsEndpoint onConnect(ConnectionHandler handler) {
        onConnect = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Each text message, at most {@code baton.wsMaxMessageSize} long (a longer one closes the socket with 1009). */
    public WsEndpoint onMessage(TextHandler handler) {
        onMessage = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Each binary message, at most {@code baton.wsMaxMessageSize} long (a longer one closes the socket with 1009). */
    public WsEndpoint onBinaryMessage(BinaryHandler handler) {
        onBinaryMessage = Objects.requireNonNull(handler, "handler");
        return this;
    }

    public WsEndpoint onClose(CloseHandler handler) {
        onClose = Objects.requireNonNull(handler, "handler");
        return this;
    }

    public WsEndpoint onError(ErrorHandler handler) {
        onError = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Runs for each socket when the generation drains, just before the server closes it with 1012 (Service Restart),
     * at its own moment within {@code baton.wsCloseSpread}: the place to send the client a message of the app's own
     * (where to resume, when to reconnect). What it sends goes out ahead of the close.
     */
    public WsEndpoint onDrain(ConnectionHandler handler) {
        onDrain = Objects.requireNonNull(handler, "handler");
        return this;
    }
}
