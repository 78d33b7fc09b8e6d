package dev.baton.server;

import io.undertow.protocols.http2.Http2Channel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.StreamConnection;

/**
 * A connection as {@link Traffic} tracks it: exchanges running on it, when it last finished one, whether bytes came
 * since, where a drain stands with it. It answers its stall conduits, and hears of its own close.
 */
final class TrackedConnection implements WatchedConnection, ChannelListener<StreamConnection> {

    private final Traffic traffic;
    final StreamConnection channel;
    final AtomicInteger active = new AtomicInteger();
    final AtomicBoolean cut = new AtomicBoolean();
    final long openedAt = System.nanoTime();
    volatile long idleSince = openedAt;
    /**
     * Bytes came that no exchange has started on yet: the head of a request, whole or not. Such a connection
     * is never closed as idle, or that request would be reset instead of answered.
     */
    volatile boolean requestPending;
    /** The connection as HTTP sees it when it is wrapped in TLS; else null. */
    volatile StreamConnection wrapped;
    /** The HTTP/2 connection on it once ALPN chose h2; else null. */
    volatile Http2Channel http2;
    /**
     * An exchange upgraded this connection (to WebSocket): it counts as one exchange running until the connection
     * closes, so a drain waits for it and never closes it as idle, as it does with a stream (SSE).
     */
    final AtomicBoolean upgraded = new AtomicBoolean();
    /** What asks the upgraded connection to go away (see {@link HttpServer#GOING_AWAY}); else null. */
    volatile BooleanSupplier goingAway;
    /** Changed on the connection's IO thread only. */
    volatile Traffic.GoAway goAway = Traffic.GoAway.NONE;
    volatile long goAwaySince;

    /**
     * Undertow's close listener, run after Traffic has forgotten the connection. Volatile: the close may come on
     * another thread than the IO thread that set it (a drain's, a stall's cut).
     */
    private volatile ChannelListener<? super StreamConnection> undertowsClose;

    TrackedConnection(Traffic traffic, StreamConnection channel) {
        this.traffic = traffic;
        this.channel = channel;
    }

    /** Hears of the channel's close from now on, before the close listener Undertow installed, then calls it. */
    void listenForClose() {
        undertowsClose = channel.getCloseListener();
        channel.setCloseListener(this);
    }

    /**
     * Whether a wait for bytes is a stall: an HTTP/1.1 exchange reads its body then. An HTTP/2 connection reads
     * frames for all its streams all along, so a quiet one with a stream in flight is not stalled.
     */
    @Override
    public boolean awaitsBody() {
        return http2 == null && !upgraded.get() && active.get() > 0;
    }

    @Override
    public void received() {
        if (active.get() == 0) {
            requestPending = true;
        }
    }

    @Override
    public boolean writesShutDown() {
        return !channel.getSinkChannel().isOpen();
    }

    @Override
    public void cut(String why) {
        traffic.cut(this, why);
    }

    /** The connection closed. */
    @Override
    public void handleEvent(StreamConnection closed) {
        traffic.closed(this);
        ChannelListeners.invokeChannelListener(closed, undertowsClose);
    }
}
