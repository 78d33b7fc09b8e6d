package dev.baton.server;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Knows every open connection and whether an exchange is running on it, so that a drain can serve what is still
 * coming on kept-alive connections (answered with {@code Connection: close}) and close a connection only when
 * it has provably been idle. Undertow's {@code GracefulShutdownHandler} answers 503 instead, and closing the
 * worker closes idle connections under clients that are about to reuse them.
 */
final class Traffic {

    /** Per connection: exchanges running on it and when it last finished one. */
    static final class Connection {
        final StreamConnection channel;
        final AtomicInteger active = new AtomicInteger();
        volatile long idleSince = System.nanoTime();

        Connection(StreamConnection channel) {
            this.channel = channel;
        }
    }

    private final Map<StreamConnection, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private volatile boolean draining;

    /** Wraps the open listener so that each accepted connection is known until it closes. */
    ChannelListener<StreamConnection> track(ChannelListener<StreamConnection> openListener) {
        return channel -> {
            connections.put(channel, new Connection(channel));
            openListener.handleEvent(channel);
            // Undertow installed its own close listener: chain ours after it rather than replace it.
            ChannelListener<? super StreamConnection> undertows = channel.getCloseListener();
            channel.setCloseListener(closed -> {
                connections.remove(closed);
                ChannelListeners.invokeChannelListener(closed, undertows);
            });
            if (!channel.isOpen()) {
                connections.remove(channel);
            }
        };
    }

    /** Wraps the root handler so that each exchange is counted on its connection. */
    HttpHandler count(HttpHandler next) {
        return exchange -> {
            Connection connection = connections.get(((AbstractServerConnection) exchange.getConnection()).getChannel());
            exchanges.incrementAndGet();
            if (connection != null) {
                connection.active.incrementAndGet();
            }
            exchange.addResponseCommitListener(Traffic.this::closeIfDraining);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                if (connection != null) {
                    connection.idleSince = System.nanoTime();
                    connection.active.decrementAndGet();
                }
                exchanges.decrementAndGet();
                nextListener.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    // Runs just before the response headers go out, so even exchanges that began before the drain say close.
    private void closeIfDraining(HttpServerExchange exchange) {
        if (draining) {
            exchange.setPersistent(false);
        }
    }

    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    int exchanges() {
        return exchanges.get();
    }

    int connections() {
        return connections.size();
    }

    /**
     * Closes the connections that run no exchange and have run none for {@code idleNanos}. The check is
     * repeated on the connection's own IO thread, where a request that just arrived would already be counted.
     */
    void closeIdle(long idleNanos) {
        long now = System.nanoTime();
        for (Connection connection : connections.values()) {
            if (connection.active.get() == 0 && now - connection.idleSince >= idleNanos) {
                connection.channel.getIoThread().execute(() -> {
                    if (connection.active.get() == 0 && System.nanoTime() - connection.idleSince >= idleNanos) {
                        IoUtils.safeClose(connection.channel);
                    }
                });
            }
        }
    }

    /** Closes every connection; returns how many exchanges were still running on them. */
    int closeAll() {
        int cut = exchanges.get();
        connections.values().forEach(connection -> IoUtils.safeClose(connection.channel));
        return cut;
    }
}
