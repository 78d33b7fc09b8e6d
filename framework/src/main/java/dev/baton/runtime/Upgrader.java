package dev.baton.runtime;

import dev.baton.ops.Generation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One upgrade, on a thread of its own: check the deploy path, start the new jar with the listener at its fd 0,
 * wait for its ready report, then commit to the hand-off (GO) and drain, or take the child down and keep serving
 * with the reason logged. Everything before GO can fail back to serving; nothing after it can.
 */
final class Upgrader implements Runnable {

    /** How long a stopped child has, beyond its drain, before it is killed. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(5);
    /**
     * How long a generation that handed over waits for its child to stop writing through it before it exits: the
     * child merges its stderr a second after it is ready, once jnr is loaded, which takes a few seconds at most on
     * cores busy serving.
     */
    private static final long STDERR_HANDOVER_MILLIS = 10_000;

    private final Lifecycle lifecycle;
    private final Events events;
    private final int childGeneration;
    private final long start = System.nanoTime();
    private final long requestedAt = System.currentTimeMillis();
    private ReadyChannel ready;
    private Process child;
    private ChildStderr stderr;

    private Upgrader(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.events = lifecycle.events();
        this.childGeneration = lifecycle.generation() + 1;
    }

    static void begin(Lifecycle lifecycle) {
        Thread thread = new Thread(new Upgrader(lifecycle), "baton-upgrade");
        thread.setDaemon(false); // it may end in the drain and the exit
        thread.start();
    }

    /**
     * Runs, ahead of any signal, the checks an upgrade makes before it starts the child, and drops what they find:
     * run once, their code no longer has its classes and calls to resolve while an upgrade waits for it (some 20 ms
     * of the hand-off on an idle machine, twice that on cores busy serving). Resolved, too, it cannot fail to load
     * from a jar overwritten in place meanwhile.
     */
    static void rehearse(Lifecycle lifecycle) {
        try {
            Deploy deploy = Deploy.ofThisProcess(lifecycle.config().jar().orElse(null), lifecycle.workingDirectory());
            deploy.problem();
            deploy.overwrittenInPlace();
            ClassArchive.problem(deploy.jar(), lifecycle.workingDirectory());
            ChildStderr.capturable();
            ProcessHandle.current(); // the JDK's process handles, which starting a child sets up (its reaper)
        } catch (IOException | RuntimeException e) {
            // Not started with java -jar (an app run by its tests), or a deploy path broken now: an upgrade says so.
        }
    }

    @Override
    public void run() {
        lifecycle.endParentProbation();
        Deploy deploy = checkedDeploy();
        if (deploy == null) {
            lifecycle.upgradeFailed();
            return;
        }
        String failure;
        try {
            failure = startAndAwait(deploy);
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: a jar overwritten in place under this JVM (see Deploy.overwrittenInPlace)
            failure = e.toString();
        }
        if (failure == null) {
            handOver();
        } else {
            rollBack(failure);
        }
    }

    /** The deploy path, when it looks startable; else null, with the reason logged. */
    private Deploy checkedDeploy() {
        try {
            Deploy deploy = Deploy.ofThisProcess(lifecycle.config().jar().orElse(null), lifecycle.workingDirectory());
            String problem = deploy.problem();
            if (problem != null) {
                events.warn("upgrade refused: {}: {}", deploy.jar(), problem);
                refused(deploy.jar() + ": " + problem);
                return null;
            }
            if (deploy.overwrittenInPlace()) {
                events.warn("{} was overwritten in place while this generation runs from it: it may fail to load classes."
                        + " Deploy by writing the new jar beside it and renaming it over the deploy path (mv)", deploy.jar());
            }
            return deploy;
        } catch (IOException | RuntimeException | LinkageError e) {
            events.warn("upgrade refused: {}", e.getMessage());
            refused(e.getMessage());
            return null;
        }
    }

    /**
     * A refused upgrade is a failed one in the status ({@code baton upgrade} reads it there) and in the metrics:
     * nothing was started.
     */
    private void refused(String why) {
        lifecycle.totals().upgraded("failed");
        lifecycle.upgraded(new Generation.UpgradeRecord(Instant.now(), lifecycle.generation(), childGeneration, "failed",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), "refused " + why));
    }

    /** Null once the child is ready and has been told GO; else why the upgrade failed. */
    private String startAndAwait(Deploy deploy) throws IOException {
        ready = ReadyChannel.open(lifecycle.handedListeners());
        Parent.mergeStderrIfStillPiped(events); // an upgrade within a second of this generation's own hand-off
        boolean piped = ChildStderr.capturable();
        Handoff handoff = new Handoff(childGeneration, lifecycle.pid(), ready.socketPath(), ready.token(), piped,
                requestedAt, true, List.copyOf(lifecycle.handedListeners().keySet()));
        lifecycle.supervisors().reloading();
        child = lifecycle.listener().startWithListenerAtFdZero(deploy.childProcess(handoff.asEnvironment(), piped, events));
        stderr = piped ? ChildStderr.relay(child) : null;
        events.info("spawned gen {} pid {} from {}", childGeneration, child.pid(), deploy.jar());
        if (!lifecycle.adopt(child)) {
            return "this generation is stopping";
        }
        if (ready.awaitReady(child, lifecycle.config().readyTimeout(), lifecycle::upgrading, events)) {
            return lifecycle.commitHandOver(ready) ? null : "this generation is stopping";
        }
        if (!lifecycle.upgrading()) {
            return "this generation is stopping";
        }
        String who = "gen " + childGeneration + " pid " + child.pid();
        if (ready.failure() != null) {
            return who + " " + ready.failure();
        }
        if (child.isAlive()) {
            return who + " was not ready within " + lifecycle.config().readyTimeout().toMillis() + " ms";
        }
        return who + " exited with status " + child.exitValue() + " before it was ready" + lastWords(deploy.portBindingOptions());
    }

    /** What the child said last, and which of the JVM options it shares with this generation bind a port. */
    private String lastWords(List<String> portBindingOptions) {
        StringBuilder words = new StringBuilder();
        String last = stderr == null ? null : stderr.lastWords();
        if (last != null) {
            words.append(": \"").append(last).append('"');
        }
        if (!portBindingOptions.isEmpty() && (stderr == null || stderr.bindFailed())) {
            words.append(stderr == null ? "; if it could not bind a port: " : "; it could not bind a port: ")
                    .append("the JVM option ").append(String.join(" ", portBindingOptions))
                    .append(" binds a fixed port, which gen ").append(lifecycle.generation())
                    .append(" still holds while the new generation starts");
        }
        return words.toString();
    }

    /**
     * After GO: the child owns the service. This generation drains and exits, whatever happens meanwhile; only
     * the child's death on probation brings it back to serving.
     */
    private void handOver() {
        boolean resumed = false;
        try {
            events.info("gen {} pid {} ready after {} ms; handing over", childGeneration, child.pid(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            close(ready);
            resumed = lifecycle.handOver(child.pid());
            if (!resumed && stderr != null) {
                stderr.awaitEnd(STDERR_HANDOVER_MILLIS);
            }
        } catch (RuntimeException | LinkageError e) {
            events.error("after the hand-off: {}", e.toString());
        } finally {
            if (!resumed) {
                lifecycle.exit(0);
            }
        }
    }

    /** Before GO: the child never owned the service. It is told so (the channel closes) and stopped. */
    private void rollBack(String failure) {
        close(ready);
        if (child != null) {
            stop(child, grace(lifecycle));
        }
        if (!lifecycle.upgradeFailed()) {
            events.info("upgrade abandoned: this generation is stopping");
            return;
        }
        events.error("upgrade failed: {}; gen {} keeps serving", failure, lifecycle.generation());
        lifecycle.totals().upgraded("failed");
        lifecycle.upgraded(new Generation.UpgradeRecord(Instant.now(), lifecycle.generation(), childGeneration, "failed",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), failure));
        lifecycle.supervisors().stillReady();
    }

    private void close(ReadyChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (RuntimeException e) {
            events.warn("hand-off files left behind: {}", e.getMessage());
        }
    }

    /** A stop of {@code lifecycle} during an upgrade takes the child down, on a thread of its own. */
    static Thread stopInBackground(Process child, Lifecycle lifecycle, String signal) {
        Thread thread = new Thread(() -> {
            lifecycle.events().info("{}: stopping the upgrade to child pid {}", signal, child.pid());
            stop(child, grace(lifecycle));
        }, "baton-stop-child");
        thread.start();
        return thread;
    }

    /** A child may have accepted connections before it heard it must leave; it drains them before it exits. */
    private static Duration grace(Lifecycle lifecycle) {
        return lifecycle.config().drainTimeout().plus(TERM_GRACE);
    }

    /** SIGTERM, then SIGKILL after {@code grace}; waits, so that no zombie is left behind. */
    private static void stop(Process child, Duration grace) {
        child.destroy();
        try {
            if (!child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
