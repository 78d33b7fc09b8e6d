package dev.baton.server;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Knows every open connection and whether an exchange is running on it, so that a drain can serve what is still
 * coming on kept-alive connections (answered with {@code Connection: close}) and close a connection only when
 * it has provably been idle. Undertow's {@code GracefulShutdownHandler} answers 503 instead, and closing the
 * worker closes idle connections under clients that are about to reuse them. Also cuts the exchanges whose
 * client stalled (see {@link StalledReadConduit}, {@link StalledWriteConduit}).
 */
final class Traffic {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** Per connection: exchanges running on it, when it last finished one, whether bytes came since. */
    static final class Connection {
        final StreamConnection channel;
        final AtomicInteger active = new AtomicInteger();
        final AtomicBoolean cut = new AtomicBoolean();
        volatile long idleSince = System.nanoTime();
        /**
         * Bytes came that no exchange has started on yet: the head of a request, whole or not. Such a connection
         * is never closed as idle, or that request would be reset instead of answered.
         */
        volatile boolean requestPending;

        Connection(StreamConnection channel) {
            this.channel = channel;
        }

        boolean inExchange() {
            return active.get() > 0;
        }

        void received() {
            if (active.get() == 0) {
                requestPending = true;
            }
        }
    }

    private final Map<StreamConnection, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final AtomicLong stalledCut = new AtomicLong();
    private final long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private volatile boolean draining;

    Traffic(long readTimeoutNanos, long writeTimeoutNanos) {
        this.readTimeoutNanos = readTimeoutNanos;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /** Wraps the open listener so that each accepted connection is known until it closes. */
    ChannelListener<StreamConnection> track(ChannelListener<StreamConnection> openListener) {
        return channel -> {
            Connection connection = new Connection(channel);
            connections.put(channel, connection);
            // Beneath Undertow's own conduits, which it stacks on top when the open listener runs.
            ConduitStreamSourceChannel source = channel.getSourceChannel();
            source.setConduit(new StalledReadConduit(source.getConduit(), readTimeoutNanos, connection::inExchange,
                    connection::received, () -> cut(connection, "no byte of its request body came"),
                    () -> !channel.getSinkChannel().isOpen()));
            ConduitStreamSinkChannel sink = channel.getSinkChannel();
            sink.setConduit(new StalledWriteConduit(sink.getConduit(), writeTimeoutNanos,
                    () -> cut(connection, "its client read nothing of the response")));
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
                connection.requestPending = false;
            }
            exchange.addResponseCommitListener(Traffic.this::closeIfDraining);
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                if (connection != null) {
                    connection.idleSince = System.nanoTime();
                    // Bytes read beyond this exchange: the start of a pipelined request, not idleness.
                    connection.requestPending |= ((AbstractServerConnection) done.getConnection()).getExtraBytes() != null;
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

    /** Open connections are kept alive again: the generation serves on (its successor died on probation). */
    void stopDraining() {
        draining = false;
    }

    boolean draining() {
        return draining;
    }

    /** How many exchanges were cut since the start because their client stalled. */
    long stalledCut() {
        return stalledCut.get();
    }

    /**
     * Closes a connection whose client stalled, then wakes whoever waits on it, as Undertow's own timeouts do, so
     * that a waiting read or write fails and its exchange ends (freeing its worker).
     */
    private void cut(Connection connection, String why) {
        if (!connection.cut.compareAndSet(false, true)) {
            return;
        }
        stalledCut.incrementAndGet();
        LOG.debug("cut a stalled connection from {}: {}", connection.channel.getPeerAddress(), why);
        StreamConnection channel = connection.channel;
        IoUtils.safeClose(channel);
        if (channel.getSourceChannel().isReadResumed()) {
            ChannelListeners.invokeChannelListener(channel.getSourceChannel(), channel.getSourceChannel().getReadListener());
        }
        if (channel.getSinkChannel().isWriteResumed()) {
            ChannelListeners.invokeChannelListener(channel.getSinkChannel(), channel.getSinkChannel().getWriteListener());
        }
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
            if (closableAsIdle(connection, now, idleNanos)) {
                connection.channel.getIoThread().execute(() -> {
                    if (closableAsIdle(connection, System.nanoTime(), idleNanos)) {
                        IoUtils.safeClose(connection.channel);
                    }
                });
            }
        }
    }

    private static boolean closableAsIdle(Connection connection, long now, long idleNanos) {
        return connection.active.get() == 0 && !connection.requestPending && now - connection.idleSince >= idleNanos;
    }

    /** Closes every connection; returns how many exchanges were still running on them. */
    int closeAll() {
        int cut = exchanges.get();
        connections.values().forEach(connection -> IoUtils.safeClose(connection.channel));
        return cut;
    }
}
