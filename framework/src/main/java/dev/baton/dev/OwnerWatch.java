package dev.baton.dev;

import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code baton.ownerPid}: stops this generation when the owner process ends, as a {@code SIGTERM} would (drain,
 * exit). Every generation gets the setting with its JVM options, so each watches the owner itself: a generation's
 * parent is the generation before it, not the owner, and may be gone already. The owner is the process with that
 * pid and the start time it had when this generation started, so that a pid reused by another process is not
 * taken for it.
 */
final class OwnerWatch {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerWatch.class);
    static final long POLL_MILLIS = 250;

    private OwnerWatch() {}

    static void start(long ownerPid) {
        Optional<Instant> started = ProcessHandle.of(ownerPid).flatMap(owner -> owner.info().startInstant());
        Thread watch = new Thread(() -> {
            while (alive(ownerPid, started)) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            LOG.warn("owner pid {} has exited (baton.ownerPid): stopping", ownerPid);
            // Through this generation's own SIGTERM handler: whatever state it is in, it stops the way it would
            // for an operator's SIGTERM (before start() installed the handler, the JVM's default ends it).
            Signal.raise(new Signal("TERM"));
        }, "baton-owner-watch");
        watch.setDaemon(true);
        watch.start();
    }

    static boolean alive(long pid, Optional<Instant> started) {
        Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (owner.isEmpty()) {
            return false;
        }
        if (started.isEmpty()) {
            return true;
        }
        Optional<Instant> now = owner.get().info().startInstant();
        return now.isEmpty() || now.equals(started);
    }
}
