package dev.baton.runtime;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One upgrade, on a thread of its own: check the deploy path, start the new jar with the listener at its fd 0,
 * wait for its ready report, then hand over, or take the child down and keep serving with the reason logged.
 */
final class Upgrader {

    private static final long TERM_GRACE_SECONDS = 5;

    private final Lifecycle lifecycle;
    private final Events events;

    private Upgrader(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.events = lifecycle.events();
    }

    static void begin(Lifecycle lifecycle) {
        Thread thread = new Thread(new Upgrader(lifecycle)::run, "baton-upgrade");
        thread.setDaemon(false); // see Lifecycle.stopRequested: it may end in a drain and the exit
        thread.start();
    }

    private void run() {
        try {
            upgrade();
        } finally {
            lifecycle.upgradeOver();
        }
    }

    private void upgrade() {
        long start = System.nanoTime();
        Deploy deploy;
        try {
            deploy = Deploy.ofThisProcess(lifecycle.config().jar().orElse(null));
        } catch (IOException | IllegalStateException e) {
            events.warn("upgrade refused: {}", e.getMessage());
            return;
        }
        String problem = deploy.problem();
        if (problem != null) {
            events.warn("upgrade refused: {}: {}", deploy.jar(), problem);
            return;
        }
        if (deploy.overwrittenInPlace()) {
            events.warn("{} was overwritten in place while this generation runs from it: it may fail to load classes."
                    + " Deploy by writing the new jar beside it and renaming it over the deploy path (mv)", deploy.jar());
        }
        String failure;
        Process child = null;
        boolean committed = false;
        try (ReadyChannel ready = ReadyChannel.open()) {
            lifecycle.listener().moveToFdZero();
            Handoff handoff = new Handoff(lifecycle.generation() + 1, ProcessHandle.current().pid(), ready.socketPath(), ready.token());
            lifecycle.notifySystemd("RELOADING=1");
            child = deploy.childProcess(handoff.asEnvironment(), events).start();
            events.info("spawned gen {} pid {} from {}", handoff.generation(), child.pid(), deploy.jar());
            if (!lifecycle.adopt(child)) {
                stop(child);
                return;
            }
            failure = awaitChild(ready, child, handoff.generation());
            if (failure == null) {
                committed = true;
                ready.go();
                events.info("gen {} pid {} ready after {} ms; handing over", handoff.generation(), child.pid(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                ready.close();
                lifecycle.handOver(child.pid());
                return;
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: a jar overwritten in place under this JVM (see Deploy.overwrittenInPlace)
            failure = e.toString();
        }
        if (child != null) {
            stop(child);
        }
        if (committed) {
            lifecycle.abandonHandOver();
        }
        if (lifecycle.stopping()) {
            events.info("upgrade abandoned: this generation is stopping");
            return;
        }
        events.error("upgrade failed: {}; gen {} keeps serving", failure, lifecycle.generation());
        lifecycle.notifySystemd("READY=1");
    }

    /** Null when the child is ready and this generation committed to handing over; else why not. */
    private String awaitChild(ReadyChannel ready, Process child, int childGeneration) throws IOException {
        boolean reported = ready.awaitReady(child, lifecycle.config().readyTimeout());
        if (reported) {
            return lifecycle.commitHandOver() ? null : "this generation is stopping";
        }
        if (!child.isAlive()) {
            return "gen " + childGeneration + " pid " + child.pid() + " exited with status " + child.exitValue()
                    + " before it was ready";
        }
        return "gen " + childGeneration + " pid " + child.pid() + " was not ready within " + lifecycle.config().readyTimeout().toMillis() + " ms";
    }

    /** SIGTERM, then SIGKILL after a grace period; waits, so that no zombie is left behind. */
    static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(TERM_GRACE_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                child.waitFor();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
