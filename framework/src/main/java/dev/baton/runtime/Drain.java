package dev.baton.runtime;

import dev.baton.ops.Totals;
import dev.baton.server.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How a generation lets go of its traffic: it stops accepting, tells the app ({@code onDrain}), and serves what is
 * open until it ends or the deadline cuts it. A full drain closes this process's copies of the listener first; a
 * parked one (probation) keeps them, so that the generation can take the service back.
 */
final class Drain {

    private final HttpServer server;
    private final Listener listener;
    private final Duration timeout;
    private final Duration idleBeforeClose;
    private final List<Runnable> callbacks;
    private final Events events;
    private final Totals totals;

    /** {@code idleBeforeClose}: see {@link HttpServer#drain(Duration, Duration, java.util.function.BooleanSupplier)}. */
    Drain(HttpServer server, Listener listener, Duration timeout, Duration idleBeforeClose, List<Runnable> callbacks,
            Events events, Totals totals) {
        this.server = server;
        this.listener = listener;
        this.timeout = timeout;
        this.idleBeforeClose = idleBeforeClose;
        this.callbacks = List.copyOf(callbacks);
        this.events = events;
        this.totals = totals;
    }

    /** Stops accepting at once (every copy of the listener in this process closes), serves what is open, then stops. */
    void full(String why) {
        events.info("draining {} exchanges on {} connections ({})", server.exchanges(), server.connections(), why);
        listener.closeKeepingOutput(server::stopAccepting, events);
        serveWhatIsOpen(() -> false);
        server.shutdown();
    }

    /**
     * Stops accepting but keeps the listener, and serves what is open; stops waiting as soon as {@code abandon}
     * says so (the successor died: this generation serves on).
     */
    void keepingListener(String why, long probationMillis, BooleanSupplier abandon) {
        events.info("draining {} exchanges on {} connections ({}; the listener stays open here for {} ms of probation)",
                server.exchanges(), server.connections(), why, probationMillis);
        server.park();
        serveWhatIsOpen(abandon);
    }

    /** After {@link #keepingListener}, when the successor died: takes connections again, and keeps open ones alive. */
    void resume() {
        server.unpark();
    }

    /** After {@link #keepingListener}: closes this process's copies of the listener and stops. */
    void close() {
        listener.closeKeepingOutput(server::closeListener, events);
        server.shutdown();
    }

    private void serveWhatIsOpen(BooleanSupplier abandon) {
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                events.warn("onDrain callback failed: {}", e.toString());
            }
        }
        HttpServer.DrainReport report = server.drain(timeout, idleBeforeClose, abandon);
        if (abandon.getAsBoolean()) {
            return;
        }
        totals.drained(report.millis(), report.cut());
        if (report.goneAway() > 0) {
            // WebSockets still open just before the deadline: told 1001, and counted in the cut if they did not answer.
            events.warn("drain deadline after {} ms: {} exchanges cut, {} WebSockets closed with 1001 (Going Away) before it",
                    report.millis(), report.cut(), report.goneAway());
        } else if (report.cut() > 0) {
            events.warn("drain deadline after {} ms: {} exchanges cut", report.millis(), report.cut());
        } else {
            events.info("drained in {} ms", report.millis());
        }
        if (server.stalledCut() > 0) {
            events.info("{} exchanges were cut in this generation's life because their client stalled", server.stalledCut());
        }
    }
}
