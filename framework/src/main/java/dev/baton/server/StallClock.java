package dev.baton.server;

import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * The stall clock of one direction of a connection: since when a wait on the socket has moved no byte, and an
 * IO-thread timer that cuts the connection once that has lasted the timeout. A stall ends with the next byte;
 * a wait is a stall only when it counts as one (a read between exchanges does not).
 */
final class StallClock {

    private final long timeoutNanos;
    private final WatchedConnection connection;
    /** Reads stall only while an exchange waits for its body; writes whenever a write waits. */
    private final boolean reads;
    /** When the wait began; 0 while bytes move. */
    private volatile long stalledSince;
    private volatile XnioExecutor.Key timer;

    StallClock(long timeoutNanos, WatchedConnection connection, boolean reads) {
        this.timeoutNanos = timeoutNanos;
        this.connection = connection;
        this.reads = reads;
    }

    long timeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    /** Bytes moved: whatever stall there was is over. */
    void moved() {
        stalledSince = 0;
    }

    /** Nothing moved: a stall begins, unless one already runs or none counts now; {@code thread} times it. */
    void stuck(XnioExecutor thread) {
        if (stalledSince == 0 && counts()) {
            stalledSince = System.nanoTime();
            arm(thread, timeoutNanos);
        }
    }

    /** How long a blocking wait may last from now: the whole timeout when no stall runs. */
    long left() {
        long since = stalledSince;
        return since == 0 ? timeoutNanos : since + timeoutNanos - System.nanoTime();
    }

    /** Whether the stall has outlasted the timeout: the connection must be cut. */
    boolean expired() {
        return left() <= 0 && counts();
    }

    void cut() {
        connection.cut(reads ? "no byte of its request body came" : "its client read nothing of the response");
    }

    private boolean counts() {
        return !reads || connection.awaitsBody();
    }

    private void arm(XnioExecutor thread, long delayNanos) {
        if (timer == null) {
            timer = thread.executeAfter(() -> check(thread), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    // On the IO thread. A stall that ended meanwhile, or no longer counts, only re-arms for a newer one.
    private void check(XnioExecutor thread) {
        timer = null;
        long since = stalledSince;
        if (since == 0 || !counts()) {
            return;
        }
        long left = since + timeoutNanos - System.nanoTime();
        if (left > 0) {
            arm(thread, left);
            return;
        }
        cut();
    }
}
