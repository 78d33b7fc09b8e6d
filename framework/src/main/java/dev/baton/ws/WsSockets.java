package dev.baton.ws;

import dev.baton.Handler;
import dev.baton.config.BatonConfig;
import dev.baton.server.HttpServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The open WebSockets of an app, and how they leave when the generation drains: each gets 1012 (Service Restart) at a
 * moment of its own, drawn at random within {@code baton.wsCloseSpread}, as HAProxy's close-spread-time spreads the
 * closes of idle connections, so that many clients do not all reconnect (to the next generation) in the same instant.
 * New upgrades are refused with 503 meanwhile. Baton's wiring behind {@code app.ws}, not an API of its own.
 */
public final class WsSockets {

    private final Set<WsConnection> open = ConcurrentHashMap.newKeySet();
    private final long maxMessageSize;
    private final long spreadMillis;
    private volatile boolean draining;
    /** When the spread of the current drain ends, on the {@link System#nanoTime()} clock. */
    private volatile long spreadEndNanos;

    public WsSockets(BatonConfig config) {
        this.maxMessageSize = config.wsMaxMessageSize();
        this.spreadMillis = spread(config.wsCloseSpread(), config.drainTimeout()).toMillis();
    }

    /**
     * The window the 1012s are spread over: {@code wsCloseSpread}, cut short so that it ends a grace before the drain's
     * 1001s, and each client has had that grace to answer its 1012 (see {@link HttpServer#goingAwayGrace}).
     */
    static Duration spread(Duration wanted, Duration drainTimeout) {
        Duration room = drainTimeout.minus(HttpServer.goingAwayGrace(drainTimeout).multipliedBy(2));
        if (room.isNegative()) {
            return Duration.ZERO;
        }
        return wanted.compareTo(room) < 0 ? wanted : room;
    }

    /** The handler of a route whose sockets {@code setup} describes. */
    public Handler route(Consumer<WsEndpoint> setup) {
        WsEndpoint endpoint = new WsEndpoint();
        setup.accept(endpoint);
        return new WsRoute(this, endpoint);
    }

    /**
     * A drain callback: from now on upgrades are refused, and every open socket is closed within the spread. The log
     * line names the {@code generation} and {@code pid}, as the drain's own lines do.
     */
    public void drain(int generation, long pid) {
        spreadEndNanos = System.nanoTime() + spreadMillis * 1_000_000;
        draining = true;
        if (!open.isEmpty()) {
            WsConnection.LOG.info("gen={} pid={} closing {} WebSockets with 1012 (Service Restart) over {} ms", generation, pid,
                    open.size(), spreadMillis);
        }
        for (WsConnection connection : open) {
            scheduleDrain(connection);
        }
    }

    /** A resume callback: the generation serves on (its successor died on probation); sockets not closed yet stay. */
    public void resume() {
        draining = false;
        for (WsConnection connection : open) {
            connection.drainCancelled();
        }
    }

    boolean draining() {
        return draining;
    }

    long maxMessageSize() {
        return maxMessageSize;
    }

    void add(WsConnection connection) {
        open.add(connection);
        if (draining) {
            // Its upgrade began before the drain did: it gets its 1012 like the others, within what is left of the spread.
            scheduleDrain(connection);
        }
    }

    void remove(WsConnection connection) {
        open.remove(connection);
    }

    private void scheduleDrain(WsConnection connection) {
        long left = Math.max(0, (spreadEndNanos - System.nanoTime()) / 1_000_000);
        long delay = left == 0 ? 0 : ThreadLocalRandom.current().nextLong(left + 1);
        connection.scheduleDrain(delay, this::draining);
    }
}
