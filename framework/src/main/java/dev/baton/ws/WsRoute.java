package dev.baton.ws;

import dev.baton.Context;
import dev.baton.Handler;
import dev.baton.server.HttpServer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.util.concurrent.Executor;

/**
 * The handler behind {@code app.ws}: a GET route like any other, so the before-filters run on the upgrade request
 * first and can refuse it (by throwing, or by setting a status of 300 or more: a redirect to a login page, a 401).
 * Then Undertow's handshake ({@link WebSocketProtocolHandshakeHandler}) upgrades the connection; Baton only wires
 * the socket to the app.
 */
final class WsRoute implements Handler, WebSocketConnectionCallback {

    /** The socket-to-be, from the upgrade request to the connect callback (which gets Undertow's facade only). */
    private static final AttachmentKey<WsConnection> CONNECTION = AttachmentKey.create(WsConnection.class);

    private final WsSockets sockets;
    private final WsEndpoint endpoint;
    private final WebSocketProtocolHandshakeHandler handshake;

    WsRoute(WsSockets sockets, WsEndpoint endpoint) {
        this.sockets = sockets;
        this.endpoint = endpoint;
        // A GET without a WebSocket handshake: 426 names the protocol the route speaks (RFC 9110 15.5.22).
        this.handshake = new WebSocketProtocolHandshakeHandler(this, exchange -> {
            exchange.setStatusCode(426);
            exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
        });
    }

    @Override
    public void handle(Context ctx) throws Exception {
        if (ctx.status() >= 300) {
            return; // a before-filter refused the upgrade (or redirected it), and its answer goes out as it is
        }
        HttpServerExchange exchange = ctx.exchange();
        if (sockets.draining()) {
            // This generation is leaving: the client reconnects, on a new connection, to the next one.
            exchange.setPersistent(false);
            ctx.status(503).header("Retry-After", "1").text("this generation is draining: reconnect");
            return;
        }
        // Callbacks run where blocking handlers do: the virtual threads' executor when there is one, else XNIO's workers.
        Executor executor = exchange.getDispatchExecutor() != null ? exchange.getDispatchExecutor()
                : exchange.getConnection().getWorker();
        WsConnection connection = new WsConnection(WsRequest.of(exchange, ctx.pathParams()), endpoint, executor);
        exchange.putAttachment(CONNECTION, connection);
        // At the drain deadline the server asks each upgraded connection to go away (1001) before it cuts them.
        exchange.putAttachment(HttpServer.GOING_AWAY, connection::goAway);
        handshake.handleRequest(exchange);
    }

    /** On the connection's IO thread, once the 101 is out. */
    @Override
    public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        WsConnection connection = exchange.getAttachment(CONNECTION);
        connection.connected(channel);
        channel.getReceiveSetter().set(new WsListener(connection, sockets.maxMessageSize()));
        channel.addCloseTask(closed -> {
            sockets.remove(connection);
            connection.run(c -> endpoint.onClose.handle(c, c.closeCode(), c.closeReason()), null);
        });
        sockets.add(connection);
        // No message is read before onConnect returned: it may set up what onMessage needs.
        connection.run(endpoint.onConnect, () -> channel.getIoThread().execute(channel::resumeReceives));
    }
}
