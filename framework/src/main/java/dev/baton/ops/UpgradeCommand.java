package dev.baton.ops;

import dev.baton.runtime.Native;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton upgrade}: signals the serving generation, then watches the pid file, the processes and the status
 * until the upgrade has an outcome. It succeeds once the pid file names a new live process whose status says it
 * serves as a later generation, and (unless told not to wait) once the old process has left after its probation. It
 * fails with Baton's reason when the old generation records a failed upgrade (or a rollback on probation), when the
 * old process is gone with no successor, or at the timeout, naming what it waited for.
 *
 * <p>With {@code baton.opsPath} off there is no status: success is read from the pid file alone, and a failure from
 * the processes (the child the signal started is gone, the pid file unchanged); the reason is in the app's log.
 */
final class UpgradeCommand {

    private static final long POLL_MILLIS = 100;
    /** After a rollback the pid file names the old generation a moment before its status records why. */
    private static final long ROLLBACK_RECORD_MILLIS = 3000;

    private final Service service;
    private final Duration timeout;
    private final boolean waitForProbation;
    private final PrintStream out;
    private final PrintStream err;
    private long deadline;

    UpgradeCommand(Service service, Duration timeout, boolean waitForProbation, PrintStream out, PrintStream err) {
        this.service = service;
        this.timeout = timeout;
        this.waitForProbation = waitForProbation;
        this.out = out;
        this.err = err;
    }

    int run() throws IOException, InterruptedException {
        long old = service.livePid();
        if (old < 0) {
            return fail(service.pidFile() + " names no running process: nothing to upgrade (start the app)");
        }
        ServiceStatus before = null;
        if (service.hasStatus()) {
            try {
                before = service.status();
            } catch (IOException e) {
                return fail("no status from " + service.statusUrl() + " (" + e.getMessage()
                        + "): check --url, or baton.host, baton.port and baton.opsPath");
            }
            if (before.pid() != old) {
                return fail(service.pidFile() + " names pid " + old + " but " + service.statusUrl() + " answers for "
                        + before.who() + ": check --url, or baton.port");
            }
            if (!before.serving()) {
                return fail(before.who() + " is " + before.state() + ": it upgrades only while serving; try again later");
            }
        }
        String oldName = before == null ? "pid " + old : before.who();
        long reapedBefore = Service.reapedChildTicks(old);
        try {
            Native.kill(old, Native.SIGUSR2);
        } catch (IOException e) {
            return fail("cannot signal " + oldName + ": " + e.getMessage() + " (run this as the app's user or root)");
        }
        deadline = System.nanoTime() + timeout.toNanos();
        say(oldName + ": SIGUSR2 sent; waiting up to " + seconds(timeout) + " for "
                + (before == null ? "a new generation" : "gen " + (before.generation() + 1)) + " to serve");
        long next = awaitSuccessor(old, oldName, before, reapedBefore);
        if (next < 0) {
            return 1;
        }
        if (!waitForProbation) {
            return 0;
        }
        return awaitDeparture(old, oldName, next);
    }

    /**
     * The new generation's pid once it serves; -1 when the upgrade failed (said why). Without a status, a child seen
     * and gone, or one reaped since the signal ({@code reapedBefore}: a release that fails at once may live less than
     * a poll), with the pid file unchanged, is the failure.
     */
    private long awaitSuccessor(long old, String oldName, ServiceStatus before, long reapedBefore) throws InterruptedException {
        boolean sawChild = false;
        while (true) {
            long current = service.livePid();
            ServiceStatus status = service.hasStatus() ? service.statusOrNull() : null;
            if (current > 0 && current != old) {
                if (!service.hasStatus()) {
                    say("pid " + current + " serves");
                    return current;
                }
                if (status != null && status.pid() == current && status.serving()
                        && status.generation() > before.generation()) {
                    ServiceStatus.LastUpgrade upgrade = status.lastUpgrade();
                    boolean handOff = upgrade != null && upgrade.result().equals("ok") && upgrade.to() == status.generation();
                    say(status.who() + " serves" + (handOff ? " (hand-off " + upgrade.handOffMillis() + " ms)" : ""));
                    return current;
                }
            }
            if (status != null && status.pid() == old && status.upgradedSince(before)) {
                ServiceStatus.LastUpgrade upgrade = status.lastUpgrade();
                if (upgrade.result().equals("failed")) {
                    fail("upgrade failed: " + upgrade.reason() + "; " + oldName + " keeps serving");
                    return -1;
                }
                if (upgrade.result().equals("rolled back")) {
                    fail("rolled back: " + upgrade.reason() + "; " + oldName + " serves again");
                    return -1;
                }
            }
            if (!service.hasStatus() && Service.alive(old) && (current == old || current < 0)) {
                boolean child = ProcessHandle.of(old).map(p -> p.children().findAny().isPresent()).orElse(false);
                boolean reaped = reapedBefore >= 0 && Service.reapedChildTicks(old) > reapedBefore;
                if (!child && (sawChild || reaped)) {
                    fail("upgrade failed: the new generation exited before it took over; " + oldName
                            + " keeps serving: the reason is in the app's log (" + service.noStatus() + ": no status)");
                    return -1;
                }
                sawChild |= child;
            }
            if (!Service.alive(old) && (current < 0 || current == old)) {
                fail(oldName + " is gone and no new generation serves: see the app's log");
                return -1;
            }
            if (System.nanoTime() - deadline > 0) {
                String now = status != null && status.pid() == old ? " (" + status.state() + ")" : "";
                fail("timed out after " + seconds(timeout) + " waiting for a new generation to serve; " + oldName + now
                        + " is still named by " + service.pidFile() + ": see the app's log");
                return -1;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /** 0 once the old process has left and the new one still serves; 1 on a rollback, a loss or the timeout. */
    private int awaitDeparture(long old, String oldName, long next) throws InterruptedException {
        String nextName = "pid " + next;
        ServiceStatus serving = service.hasStatus() ? service.statusOrNull() : null;
        if (serving != null && serving.pid() == next) {
            nextName = serving.who();
        }
        while (true) {
            long current = service.livePid();
            if (!Service.alive(old)) {
                if (current > 0 && current != old) {
                    say(oldName + " has left: " + nextName + " passed probation");
                    return 0;
                }
                return fail(oldName + " has left but " + nextName + " does not serve any more: see the app's log");
            }
            if (current == old) {
                return fail(rollbackReason(old, nextName) + "; " + oldName + " serves again");
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("timed out after " + seconds(timeout) + " waiting for " + oldName + " to leave (it drains,"
                        + " then stays on probation, baton.probation); " + nextName + " serves");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /** The old generation's record of the rollback, once it has written it; else what the pid file shows. */
    private String rollbackReason(long old, String nextName) throws InterruptedException {
        if (service.hasStatus()) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROLLBACK_RECORD_MILLIS);
            while (System.nanoTime() - until < 0) {
                ServiceStatus status = service.statusOrNull();
                if (status != null && status.pid() == old && status.lastUpgrade() != null
                        && status.lastUpgrade().result().equals("rolled back")) {
                    return "rolled back: " + status.lastUpgrade().reason();
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        }
        return "rolled back: " + nextName + " died on probation (the reason is in the app's log)";
    }

    private void say(String line) {
        out.println("baton: " + line);
        out.flush();
    }

    private int fail(String line) {
        err.println("baton: " + line);
        err.flush();
        return 1;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
