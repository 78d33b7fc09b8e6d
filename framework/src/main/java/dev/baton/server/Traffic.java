package dev.baton.server;

import io.undertow.protocols.http2.GoAwayNotice;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
 *
 * <p>An HTTP/2 connection (ALPN h2 on the HTTPS listener) counts each stream as an exchange, and is never closed
 * bare, since its client may be opening a stream right then: a drain sends it GOAWAY in two phases, as Envoy and
 * nghttp2 do. First a notice with the last stream id 2^31-1: no new streams, please, and every stream already on
 * its way is served. After {@link #GOAWAY_GRACE} (any stream the client sent before it read the notice has arrived
 * by then) the real last stream id follows, and once the streams in flight finished, Undertow's own GOAWAY ends the
 * connection.
 */
final class Traffic {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** Between the GOAWAY notice (last stream id 2^31-1) and the GOAWAY with the real last stream id. */
    static final long GOAWAY_GRACE = TimeUnit.SECONDS.toNanos(1);
    /**
     * How old an HTTP/2 connection must be before its first GOAWAY: a server's first frame must be its SETTINGS,
     * which Undertow sends once the client's preface came (at once, from a client that speaks at all).
     */
    private static final long SETTLED = TimeUnit.MILLISECONDS.toNanos(200);
    private static final AttachmentKey<TrackedConnection> CONNECTION = AttachmentKey.create(TrackedConnection.class);

    /** Where a drain stands with an HTTP/2 connection. */
    enum GoAway { NONE, NOTICE, FINAL, CLOSING }

    private final Map<StreamConnection, TrackedConnection> connections = new ConcurrentHashMap<>();
    /** The same connections under the name HTTP knows them by, where that is another (TLS). */
    private final Map<StreamConnection, TrackedConnection> wrapped = new ConcurrentHashMap<>();
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
            TrackedConnection connection = new TrackedConnection(this, channel);
            connections.put(channel, connection);
            // Beneath Undertow's own conduits, which it stacks on top when the open listener runs.
            ConduitStreamSourceChannel source = channel.getSourceChannel();
            source.setConduit(new StalledReadConduit(source.getConduit(), readTimeoutNanos, connection));
            ConduitStreamSinkChannel sink = channel.getSinkChannel();
            sink.setConduit(new StalledWriteConduit(sink.getConduit(), writeTimeoutNanos, connection));
            openListener.handleEvent(channel);
            // Undertow installed its own close listener as it ran: chained, not replaced.
            connection.listenForClose();
            if (!channel.isOpen()) {
                closed(connection); // closed while Undertow set it up: its close listener has run already
            }
        };
    }

    /** {@code connection} closed: forgotten, and its upgraded exchange, if any, ends. */
    void closed(TrackedConnection connection) {
        connections.remove(connection.channel);
        forgetWrapped(connection);
        releaseUpgraded(connection);
    }

    private void forgetWrapped(TrackedConnection connection) {
        StreamConnection outer = connection.wrapped;
        if (outer != null) {
            wrapped.remove(outer);
        }
    }

    /** {@code accepted}, a connection {@link #track tracked} here, is known to HTTP as {@code outer} (TLS on it). */
    void wrapped(StreamConnection accepted, StreamConnection outer) {
        TrackedConnection connection = connections.get(accepted);
        if (connection != null) {
            connection.wrapped = outer;
            wrapped.put(outer, connection);
            if (!accepted.isOpen()) {
                wrapped.remove(outer);
            }
        }
    }

    /** The connection {@code underlying} (as HTTP knows it) now speaks HTTP/2 on {@code http2}. On its IO thread. */
    void http2(StreamConnection underlying, Http2Channel http2) {
        TrackedConnection connection = lookUp(underlying);
        if (connection != null) {
            connection.http2 = http2;
            http2.putAttachment(CONNECTION, connection);
        }
    }

    private TrackedConnection lookUp(StreamConnection channel) {
        TrackedConnection connection = connections.get(channel);
        return connection != null ? connection : wrapped.get(channel);
    }

    private TrackedConnection connectionOf(ServerConnection serverConnection) {
        if (serverConnection instanceof AbstractServerConnection http1) {
            return lookUp(http1.getChannel());
        }
        // HTTP/2: the stream's connection passes attachments on to its Http2Channel, where http2() put it.
        return serverConnection.getAttachment(CONNECTION);
    }

    /** Wraps the root handler so that each exchange is counted on its connection. */
    HttpHandler count(HttpHandler next) {
        return exchange -> {
            TrackedConnection connection = connectionOf(exchange.getConnection());
            exchanges.incrementAndGet();
            if (connection != null) {
                connection.active.incrementAndGet();
                connection.requestPending = false;
            }
            Counted counted = new Counted(connection);
            exchange.addResponseCommitListener(counted);
            exchange.addExchangeCompleteListener(counted);
            next.handleRequest(exchange);
        };
    }

    /** An upgraded connection closed: its exchange ends now (once, whichever of close and upgrade came last). */
    private void releaseUpgraded(TrackedConnection connection) {
        if (connection.upgraded.compareAndSet(true, false)) {
            connection.idleSince = System.nanoTime();
            connection.active.decrementAndGet();
            exchanges.decrementAndGet();
        }
    }

    /**
     * One exchange, counted on its connection (null if untracked) until it completes; its response says close
     * during a drain. A class rather than two lambdas for the reason {@link WatchedConnection} gives.
     */
    private final class Counted implements ResponseCommitListener, ExchangeCompletionListener {
        private final TrackedConnection connection;

        Counted(TrackedConnection connection) {
            this.connection = connection;
        }

        // Runs just before the response headers go out, so even exchanges that began before the drain say close;
        // not a 101, whose connection must stay open for the protocol it switches to.
        @Override
        public void beforeCommit(HttpServerExchange exchange) {
            if (draining && exchange.getStatusCode() != 101) {
                exchange.setPersistent(false);
            }
        }

        @Override
        public void exchangeEvent(HttpServerExchange done, NextListener nextListener) {
            if (connection != null && done.isUpgrade() && done.getStatusCode() == 101) {
                // The exchange is over, but the connection goes on in another protocol: held until it closes.
                connection.goingAway = done.getAttachment(HttpServer.GOING_AWAY);
                connection.upgraded.set(true);
                if (!connection.channel.isOpen()) {
                    releaseUpgraded(connection);
                }
                nextListener.proceed();
                return;
            }
            if (connection != null) {
                connection.idleSince = System.nanoTime();
                // Bytes read beyond this exchange: the start of a pipelined request, not idleness.
                connection.requestPending |= done.getConnection() instanceof AbstractServerConnection http1
                        && http1.getExtraBytes() != null;
                connection.active.decrementAndGet();
            }
            exchanges.decrementAndGet();
            nextListener.proceed();
        }
    }

    /** From now on responses say {@code Connection: close}, and HTTP/2 connections get their GOAWAY notice. */
    void startDraining() {
        draining = true;
        endHttp2(System.nanoTime());
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
    void cut(TrackedConnection connection, String why) {
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
        endHttp2(now);
        for (TrackedConnection connection : connections.values()) {
            if (connection.http2 == null && closableAsIdle(connection, now, idleNanos)) {
                connection.channel.getIoThread().execute(() -> {
                    if (connection.http2 == null && closableAsIdle(connection, System.nanoTime(), idleNanos)) {
                        IoUtils.safeClose(connection.channel);
                    }
                });
            }
        }
    }

    private static boolean closableAsIdle(TrackedConnection connection, long now, long idleNanos) {
        return connection.active.get() == 0 && !connection.requestPending && now - connection.idleSince >= idleNanos;
    }

    /** Moves each HTTP/2 connection a step towards its end, if its time has come: see the class comment. */
    private void endHttp2(long now) {
        for (TrackedConnection connection : connections.values()) {
            if (connection.http2 != null && connection.goAway != GoAway.CLOSING && dueForGoAway(connection, now)) {
                connection.channel.getIoThread().execute(() -> stepGoAway(connection));
            }
        }
    }

    private static boolean dueForGoAway(TrackedConnection connection, long now) {
        return switch (connection.goAway) {
            case NONE -> now - connection.openedAt >= SETTLED;
            case NOTICE -> now - connection.goAwaySince >= GOAWAY_GRACE;
            case FINAL -> connection.active.get() == 0;
            case CLOSING -> false;
        };
    }

    // On the connection's IO thread, where Undertow parses its frames: a stream counted here has begun its exchange.
    private void stepGoAway(TrackedConnection connection) {
        Http2Channel http2 = connection.http2;
        long now = System.nanoTime();
        if (!draining || !http2.isOpen() || !dueForGoAway(connection, now)) {
            return;
        }
        try {
            switch (connection.goAway) {
                case NONE -> {
                    GoAwayNotice.send(http2, GoAwayNotice.ANY_STREAM);
                    connection.goAwaySince = now;
                    connection.goAway = GoAway.NOTICE;
                }
                case NOTICE -> {
                    int last = Http2Internals.lastStreamId(http2);
                    if (connection.active.get() == 0 || last < 0) {
                        // Nothing in flight (or no way to tell the last stream): Undertow's GOAWAY, with the real
                        // last stream id, ends the connection once the client has it. With streams in flight it
                        // would cut them, so without the id it waits for them (FINAL).
                        connection.goAway = connection.active.get() == 0 ? GoAway.CLOSING : GoAway.FINAL;
                        if (connection.goAway == GoAway.CLOSING) {
                            http2.sendGoAway(Http2Channel.ERROR_NO_ERROR);
                        }
                    } else {
                        GoAwayNotice.send(http2, last);
                        connection.goAwaySince = now;
                        connection.goAway = GoAway.FINAL;
                    }
                }
                case FINAL -> {
                    connection.goAway = GoAway.CLOSING;
                    http2.sendGoAway(Http2Channel.ERROR_NO_ERROR);
                }
                case CLOSING -> { }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("GOAWAY to {} failed: {}", connection.channel.getPeerAddress(), e.toString());
            connection.goAway = GoAway.CLOSING;
            IoUtils.safeClose(connection.channel);
        }
    }

    /** Asks every upgraded connection to go away (see {@link HttpServer#GOING_AWAY}); returns how many did. */
    int goAway() {
        int gone = 0;
        for (TrackedConnection connection : connections.values()) {
            BooleanSupplier goingAway = connection.goingAway;
            if (connection.upgraded.get() && goingAway != null && goingAway.getAsBoolean()) {
                gone++;
            }
        }
        return gone;
    }

    /** Closes every connection; returns how many exchanges were still running on them. */
    int closeAll() {
        int cut = exchanges.get();
        connections.values().forEach(connection -> IoUtils.safeClose(connection.channel));
        return cut;
    }
}
