package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.runtime.NotifySocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What supervisors see: the pid file, systemd's notify socket, and the stop signals. */
class SupervisorIT {

    @Test
    void pidFileAndSystemdFollowEveryUpgradeAndTheFinalStop() throws Exception {
        try (Deployment app = new Deployment();
                NotifySocket systemd = new NotifySocket(app.dir.resolve("notify.sock"))) {
            app.start(List.of(), Map.of("NOTIFY_SOCKET", systemd.path().toString()));
            long gen1 = app.currentPid();
            assertEquals(gen1, app.firstProcess().pid(), "the pid file names the serving generation");
            List<String> messages = new ArrayList<>(systemd.drain());
            assertEquals(List.of("READY=1"), messages);

            long gen2 = app.upgrade();
            app.await(() -> receive(systemd, messages, 3), 10, "systemd messages of the first upgrade: " + messages);
            assertEquals(List.of("READY=1", "RELOADING=1", "MAINPID=" + gen2 + "\nREADY=1"), messages);

            long gen3 = app.upgrade();
            app.await(() -> receive(systemd, messages, 5), 10, "systemd messages of the second upgrade: " + messages);
            assertEquals(List.of("RELOADING=1", "MAINPID=" + gen3 + "\nREADY=1"), messages.subList(3, 5));
            assertEquals(gen3, app.currentPid());
            app.awaitGone(gen2, 20);

            app.signal(gen3, "TERM");
            app.awaitGone(gen3, 20);
            app.await(() -> receive(systemd, messages, 6), 10, "STOPPING=1");
            assertEquals("STOPPING=1", messages.get(5));
            assertFalse(Files.exists(app.pidFile), "a final stop removes the pid file");
            assertTrue(app.logText().contains("gen=3 pid=" + gen3 + " exit 0"), app.tail());
        }
    }

    private static boolean receive(NotifySocket systemd, List<String> into, int expected) {
        try {
            into.addAll(systemd.drain());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return into.size() >= expected;
    }

    @Test
    void sigtermDrainsWhatIsInFlightThenExitsZero() throws Exception {
        try (Deployment app = new Deployment().start()) {
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return app.get("/slow?ms=1500");
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            Thread.sleep(300);
            app.signal(app.firstProcess().pid(), "TERM");
            assertTrue(slow.get(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"), "in-flight request finished");
            assertTrue(app.firstProcess().waitFor(15, TimeUnit.SECONDS));
            assertEquals(0, app.firstProcess().exitValue());
            assertTrue(app.logText().contains("draining 1 exchanges on 1 connections (SIGTERM)"), app.tail());
            assertFalse(Files.exists(app.pidFile));
        }
    }

    @Test
    void aSecondSigintDuringTheDrainExitsAtOnce() throws Exception {
        try (Deployment app = new Deployment().start()) {
            CompletableFuture.runAsync(() -> {
                try {
                    app.get("/slow?ms=20000");
                } catch (java.io.IOException expected) {
                    // the process is about to be stopped under it
                }
            });
            Thread.sleep(300);
            long pid = app.firstProcess().pid();
            app.signal(pid, "INT");
            app.awaitLog("draining 1 exchanges", 10);
            long start = System.nanoTime();
            app.signal(pid, "INT");
            assertTrue(app.firstProcess().waitFor(5, TimeUnit.SECONDS), "exits at once");
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            assertEquals(130, app.firstProcess().exitValue());
            assertTrue(app.logText().contains("SIGINT again while draining: exiting now"), app.tail());
        }
    }

    @Test
    void staleHandOffVariablesAreIgnored() throws Exception {
        try (Deployment app = new Deployment()) {
            app.start(List.of(), Map.of("BATON_HANDOFF_PARENT_PID", "1", "BATON_HANDOFF_GENERATION", "7",
                    "BATON_HANDOFF_SOCKET", "/nonexistent", "BATON_HANDOFF_TOKEN", "x"));
            assertTrue(app.logText().contains("ignoring hand-off variables: BATON_HANDOFF_PARENT_PID=1 is not our parent"), app.tail());
            assertTrue(app.logText().contains("(bound)"), app.tail());
        }
    }
}
