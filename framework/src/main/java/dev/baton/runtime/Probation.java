package dev.baton.runtime;

import dev.baton.ops.Generation;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The old generation's side of probation. After GO it drains as usual but keeps its copy of the listening socket,
 * then parks until the new generation has served through the window ({@link #park}). Should the new generation
 * die meanwhile, the old one takes the service back at once: the socket never closed, so connections queued in the
 * kernel since are served by it, not refused. Signals to the old generation meanwhile end probation
 * ({@link #stopSignal}, {@link #passOnUpgrade}).
 *
 * <p>systemd knows the parked generation as the service's main process until probation ends: a main process that
 * dies is a failed service to systemd, and the new generation is the one that may die. Every end of probation
 * but a death tells the new generation so ({@link ProbationLink#PASSED}), and it becomes the main process.
 */
final class Probation {

    /** How probation ended. */
    enum Outcome {
        /** The new generation served through the window. */
        PASSED,
        /** The new generation exited (any status, a signal included): the old one resumes. */
        CHILD_DIED,
        /** The new generation upgrades in its turn: it stays, and will be on probation itself. */
        CHILD_UPGRADES,
        /** The new generation stops on a signal: the service stops, and the old generation leaves with it. */
        CHILD_STOPS,
        /** A stop signal reached the parked generation: it leaves, the new one keeps the service. */
        STOP_SIGNAL,
        /** SIGUSR2 reached the parked generation: passed on to the new one, which owns the service. */
        UPGRADE_PASSED_ON
    }

    /** The first end of probation, and its detail: the exit status or the signal. */
    record End(Outcome outcome, String detail) {}

    /** How long the new generation has to take over as systemd's main process before the old one leaves anyway. */
    private static final long TAKE_OVER_MILLIS = 2_000;

    private final Lifecycle lifecycle;
    private final Events events;
    private final Process child;
    private final ProbationLink link;
    /** Whether the new generation asked for this one's totals: sent once drained. */
    private final boolean sendsTotals;
    private final long goNanos = System.nanoTime();
    private final long deadlineNanos;
    private final AtomicReference<End> end = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private Probation(Lifecycle lifecycle, Process child, ProbationLink link, boolean sendsTotals, Duration window) {
        this.lifecycle = lifecycle;
        this.events = lifecycle.events();
        this.child = child;
        this.link = link;
        this.sendsTotals = sendsTotals;
        this.deadlineNanos = goNanos + window.toNanos();
    }

    /**
     * Starts watching {@code child}, the generation that {@code lifecycle} just handed over to, from GO on, so that
     * a death during the drain is seen too.
     */
    static Probation begin(Lifecycle lifecycle, Process child, ProbationLink link, boolean sendsTotals) {
        Probation probation = new Probation(lifecycle, child, link, sendsTotals, lifecycle.config().probation());
        child.onExit().thenRun(() -> probation.end(Outcome.CHILD_DIED, Integer.toString(child.exitValue())));
        link.listen("baton-probation", probation::heard);
        return probation;
    }

    /**
     * After the hand-over: drains what is open here, keeping the listener, and parks until probation ends. Then
     * leaves, or takes the service back should the new generation have died. True when this generation serves
     * again.
     */
    boolean park(Drain drain) {
        int next = lifecycle.generation() + 1;
        long childPid = child.pid();
        lifecycle.supervisors().stillReady(); // the reload is over; this generation stays systemd's main process for now
        drain.keepingListener("gen " + next + " pid " + childPid + " took over", millisLeft(), this::childDied);
        if (sendsTotals && !childDied()) {
            CarriedTotals.sendDrained(link, lifecycle.totals());
        }
        lifecycle.parked();
        if (!childDied() && millisLeft() > 0) {
            events.info("parked until gen {} pid {} has served {} ms more (probation)", next, childPid, millisLeft());
        }
        End first = await();
        Outcome outcome = first.outcome();
        if (outcome == Outcome.CHILD_DIED) {
            resume(drain, first.detail());
            return true;
        }
        if (outcome == Outcome.PASSED) {
            events.info("probation passed: gen {} pid {} served {} ms; leaving", next, childPid, millisSinceGo());
        } else if (outcome == Outcome.CHILD_UPGRADES) {
            events.info("gen {} pid {} upgrades in its turn: probation ends; leaving", next, childPid);
        } else if (outcome == Outcome.CHILD_STOPS) {
            events.info("gen {} pid {} stops ({}): leaving with it", next, childPid, first.detail());
        } // else a stop signal or SIGUSR2 to this generation: logged as it came
        if (!passSupervision()) {
            events.warn("gen {} pid {} did not confirm it took over as the service's main process; leaving anyway",
                    next, childPid);
        }
        drain.close();
        return false;
    }

    /** The new generation died on probation: this one serves again, as if the upgrade had never happened. */
    private void resume(Drain drain, String status) {
        drain.resume();
        String stop = lifecycle.resumed();
        link.close(); // nobody at its other end
        for (Runnable callback : lifecycle.resumeCallbacks()) {
            callback.run();
        }
        lifecycle.supervisors().announceReady(false);
        int generation = lifecycle.generation();
        events.warn("gen {} pid {} died {} ms after taking over (status {}); gen {} resumes", generation + 1,
                child.pid(), millisSinceGo(), status, generation);
        lifecycle.totals().upgraded("rolled back");
        Generation.UpgradeRecord upgrade = lifecycle.lastUpgrade();
        lifecycle.upgraded(new Generation.UpgradeRecord(Instant.now(), generation, generation + 1, "rolled back",
                upgrade == null ? 0 : upgrade.handOffMillis(), "gen " + (generation + 1) + " pid " + child.pid()
                        + " died " + millisSinceGo() + " ms after taking over (status " + status + ")"));
        if (stop != null) {
            lifecycle.stopRequested(stop, 0);
        }
    }

    private void heard(String line) {
        if (ProbationLink.UPGRADING.equals(line)) {
            link.send(ProbationLink.PASSED); // at once: the child waits for it before it starts its own upgrade
            end(Outcome.CHILD_UPGRADES, null);
        } else if (line != null && line.startsWith(ProbationLink.STOPPING)) {
            end(Outcome.CHILD_STOPS, line.substring(ProbationLink.STOPPING.length()).trim());
        }
        // The end of the link says nothing by itself: a death is seen through the process, with its status.
    }

    /** A stop signal to this generation while it drains or parks: it leaves, the new one keeps the service. */
    void stopSignal(String signal) {
        events.info("{}: probation ends; gen {} pid {} keeps the service", signal, lifecycle.generation() + 1, child.pid());
        end(Outcome.STOP_SIGNAL, signal);
    }

    /** SIGUSR2 to this generation while it drains or parks: the new generation owns the service and gets it. */
    void passOnUpgrade() {
        events.info("SIGUSR2 on probation: passed on to gen {} pid {}, which owns the service", lifecycle.generation() + 1,
                child.pid());
        link.send(ProbationLink.UPGRADE);
        end(Outcome.UPGRADE_PASSED_ON, null);
    }

    private void end(Outcome outcome, String detail) {
        if (end.compareAndSet(null, new End(outcome, detail))) {
            ended.countDown();
        }
    }

    /** Whether the new generation died first of all the ways probation can end: the old one then resumes. */
    private boolean childDied() {
        End first = end.get();
        return first != null && first.outcome() == Outcome.CHILD_DIED;
    }

    private long millisSinceGo() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - goNanos);
    }

    private long millisLeft() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Waits until probation ends: the first of the window passing, a death, a message or a signal. */
    private End await() {
        try {
            ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        end(Outcome.PASSED, null);
        return end.get();
    }

    /**
     * After every end but a death: tells the new generation it is the service's main process now (unless it knows
     * already) and waits, boundedly, until it has said so to systemd and closed the link.
     */
    private boolean passSupervision() {
        Outcome outcome = end.get().outcome();
        if (outcome == Outcome.PASSED || outcome == Outcome.STOP_SIGNAL) {
            link.send(ProbationLink.PASSED);
        }
        boolean closed = outcome == Outcome.CHILD_STOPS || link.awaitEnd(TAKE_OVER_MILLIS);
        link.close();
        return closed;
    }
}
