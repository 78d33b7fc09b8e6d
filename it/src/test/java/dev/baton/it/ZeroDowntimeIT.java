package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tools.KeepAliveClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Upgrades under load, judged from outside by clients that never retry. */
class ZeroDowntimeIT {

    @Test
    void fiveUpgradesUnderKeepAliveLoadLoseNothing() throws Exception {
        try (Deployment app = new Deployment().start()) {
            Set<Long> pids = new HashSet<>(Set.of(app.currentPid()));
            KeepAliveClient load = new KeepAliveClient("127.0.0.1", app.port(), 8, 180);
            try (load) {
                app.await(() -> load.ok() > 200, 30, "load to warm up");
                for (int i = 0; i < 5; i++) {
                    long old = app.currentPid();
                    long next = app.upgrade();
                    assertTrue(pids.add(next), "a new pid each time: " + next);
                    app.awaitGone(old, 40);
                    long before = load.ok();
                    app.await(() -> load.ok() > before + 100, 30, "load served by gen " + (i + 2));
                }
            }
            assertEquals(0, load.failed(), load.summary());
            assertEquals(0, load.non2xx(), load.summary());
            assertTrue(load.total() > 1000, load.summary());
            for (int gen = 1; gen <= 6; gen++) {
                String generation = "gen " + gen + " ";
                assertTrue(load.answers().keySet().stream().anyMatch(answer -> answer.startsWith(generation)),
                        "requests answered by gen " + gen + ": " + load.answers().keySet());
            }
            assertEquals(5, app.logCount("handing over"), app.tail());
            assertEquals(0, app.firstProcess().exitValue(), "gen 1 exits 0 after handing over");
        }
    }

    @Test
    void aRequestInFlightAcrossTheHandOffCompletes() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long old = app.currentPid();
            var slow = app.getAsync("/slow?ms=3000");
            Thread.sleep(300);
            long next = app.upgrade();
            String answer = slow.get();
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("slow done by pid " + old), answer);
            app.awaitGone(old, 20);
            assertTrue(app.logText().contains("gen=1 pid=" + old + " draining 1 exchanges"), app.tail());
            assertNotEquals(old, next);
        }
    }

    @Test
    void aRequestLongerThanTheDrainDeadlineIsCutAndCounted() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.drainTimeout=1s")) {
            long old = app.currentPid();
            var slow = app.getAsync("/slow?ms=8000");
            Thread.sleep(300);
            app.upgrade();
            app.awaitGone(old, 20);
            String answer = slow.get();
            assertFalse(answer.startsWith("HTTP/1.1 200"), "cut, not answered: " + answer);
            assertTrue(app.logText().contains("gen=1 pid=" + old + " drain deadline after"), app.tail());
            assertTrue(app.logText().contains("1 exchanges cut"), app.tail());
        }
    }

    @Test
    void twentySignalsInABurstMakeExactlyOneUpgrade() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long old = app.currentPid();
            // One shell's builtin kill, 5 ms apart: the burst is over in about 0.1 s, before any new JVM can be ready.
            // (Sent one kill process at a time, 20 ms apart, it lasted 0.5-1 s on busy cores: a SIGUSR2 arriving after
            // the hand-off is an operator's new upgrade, passed on to the new generation, and the test saw two.)
            Process burst = new ProcessBuilder("sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20;"
                    + " do kill -USR2 " + old + "; sleep 0.005; done").inheritIO().start();
            assertTrue(burst.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, burst.exitValue());
            long next = app.awaitNewPid(old, 60);
            app.awaitGone(old, 20);
            Thread.sleep(1000);
            assertEquals(next, app.currentPid());
            assertEquals(1, app.logCount("spawned gen"), app.tail());
            assertTrue(app.logCount("SIGUSR2 ignored") >= 1, app.tail());
            assertTrue(app.get("/").contains("gen 2 pid " + next));
        }
    }

    @Test
    void theChildHoldsNoSocketButTheListener() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long child = app.upgrade();
            app.awaitGone(app.firstProcess().pid(), 20);
            // its stderr was the parent's pipe until it merged it into stdout (the log), before the parent left
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + child + "/fd/1")),
                    Files.readSymbolicLink(Path.of("/proc/" + child + "/fd/2")), "fd 2 of the child is its stdout");
            String tcp = Files.readString(Path.of("/proc/net/tcp")) + Files.readString(Path.of("/proc/net/tcp6"));
            String unix = Files.readString(Path.of("/proc/net/unix"));
            String listenerInode = null;
            Set<String> tcpSockets = new HashSet<>();
            Set<String> unixSockets = new HashSet<>();
            try (var fds = Files.list(Path.of("/proc/" + child + "/fd"))) {
                for (Path fd : fds.toList()) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (java.io.IOException closedMeanwhile) {
                        continue;
                    }
                    if (!target.startsWith("socket:")) {
                        continue;
                    }
                    String inode = target.replaceAll("\\D", "");
                    if (fd.getFileName().toString().equals("0")) {
                        listenerInode = inode;
                    }
                    if (tcp.contains(" " + inode + " ")) {
                        tcpSockets.add(inode);
                    } else if (unix.contains(" " + inode + "\n") || unix.contains(" " + inode + " ")) {
                        unixSockets.add(fd.getFileName() + " -> " + target);
                    }
                }
            }
            assertEquals(Set.of(listenerInode), tcpSockets, "the only TCP socket of child " + child + " is its fd 0");
            String port = String.format(":%04X 00000000", app.port());
            String inode = listenerInode;
            assertTrue(tcp.lines().anyMatch(row -> row.contains(port) && row.contains(" 0A ") && row.contains(" " + inode + " ")),
                    "fd 0 of the child is the listening socket on port " + app.port());
            // The JDK keeps one unconnected Unix socket of its own (the dispatcher's pre-close socketpair end);
            // anything beyond that would be a leaked hand-off channel.
            assertTrue(unixSockets.size() <= 1, "Unix sockets of child " + child + ": " + unixSockets);
        }
    }

    @Test
    void anAppCdsArchiveBesideTheDeployPathIsUsedAndAStaleOneIsNot() throws Exception {
        try (Deployment app = new Deployment().start()) {
            Process appcds = new ProcessBuilder(Path.of("..", "bench", "appcds").toAbsolutePath().toString(), app.jar.toString())
                    .redirectErrorStream(true).redirectOutput(app.dir.resolve("appcds.log").toFile()).start();
            assertTrue(appcds.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "bench/appcds finishes");
            assertEquals(0, appcds.exitValue(), Files.readString(app.dir.resolve("appcds.log")));
            long cds = app.upgrade();
            assertTrue(app.logText().contains("AppCDS archive app.jar.jsa in use for the new generation"), app.tail());
            assertTrue(Files.readString(Path.of("/proc/" + cds + "/maps")).contains("app.jar.jsa"), "the child maps the archive");
            assertTrue(Files.readString(Path.of("/proc/" + cds + "/environ")).contains("_JAVA_SR_SIGNUM=40"),
                    "the child's JVM leaves SIGUSR2 to Baton");

            Path release = app.dir.resolve("release-2.jar");
            Files.copy(Deployment.TEST_APP, release);
            Files.move(release, app.jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long plain = app.upgrade();
            assertTrue(app.logText().contains("AppCDS archive app.jar.jsa not used: older than"), app.tail());
            assertFalse(Files.readString(Path.of("/proc/" + plain + "/maps")).contains("app.jar.jsa"), "a stale archive is left out");

            // newer than the jar but damaged: the JVM starts without it, silently, so the new generation says so
            Files.write(app.dir.resolve("app.jar.jsa"), new byte[64 * 1024]);
            long damaged = app.upgrade();
            assertEquals(2, app.logCount("AppCDS archive app.jar.jsa in use for the new generation"), app.tail());
            app.awaitLog("pid=" + damaged + " AppCDS archive app.jar.jsa was given but this JVM did not map it", 10);
            assertTrue(app.get("/").contains("pid " + damaged), "the generation runs without it");
        }
    }

    /**
     * {@code cp new.jar app.jar} writes into the running JVM's own jar: from then on it finds other bytes at the
     * offsets it read at start-up, and every class it had not loaded yet is gone. The operator's way out (an
     * upgrade to what was copied, a rollback when that dies, and the old generation's drain and exit) must
     * still work, and say why a rename is the right way.
     */
    @Test
    void aGenerationWhoseJarWasRewrittenInPlaceStillUpgradesRollsBackAndLeaves() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.probation=3s")) {
            long gen1 = app.currentPid();
            var slow = rewriteInPlaceThenSignal(app, gen1, "dev.baton.it.TestApp$DiesAfterTakingOver", "USR2");
            app.awaitLog("(status 3); gen 1 resumes", 60);
            assertTrue(slow.get().contains("slow done by pid " + gen1), app.tail());
            assertTrue(app.logText().contains("app.jar was overwritten in place while this generation runs from it"), app.tail());
            assertTrue(app.get("/").contains("pid " + gen1), "gen 1 serves again: " + app.tail());

            rewriteInPlace(app.jar, "dev.baton.it.TestApp");
            long gen3 = app.upgrade();
            assertTrue(app.firstProcess().waitFor(30, TimeUnit.SECONDS), "gen 1 leaves once gen 3 passed probation: " + app.tail());
            assertEquals(0, app.firstProcess().exitValue(), app.tail());
            assertTrue(app.logText().contains("gen=1 pid=" + gen1 + " exit 0"), app.tail());
            assertTrue(app.get("/").contains("pid " + gen3), app.tail());
            assertFalse(app.logText().contains("NoClassDefFoundError"), app.tail());
        }
    }

    @Test
    void aGenerationWhoseJarWasRewrittenInPlaceStillDrainsAndExitsOnSigterm() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long pid = app.currentPid();
            var slow = rewriteInPlaceThenSignal(app, pid, "dev.baton.it.TestApp", "TERM");
            assertTrue(slow.get().contains("slow done by pid " + pid), app.tail());
            assertTrue(app.firstProcess().waitFor(30, TimeUnit.SECONDS), "gen 1 leaves: " + app.tail());
            assertEquals(0, app.firstProcess().exitValue(), app.tail());
            assertTrue(app.logText().contains("gen=1 pid=" + pid + " drained in "), app.tail());
            assertFalse(app.logText().contains("NoClassDefFoundError"), app.tail());
        }
    }

    /**
     * Gives the generation its first slow request (the serving path) and the second after ready that Preload waits,
     * rewrites its jar in place with a release of {@code mainClass}, then sends it {@code signal} with a slow request
     * in flight, whose answer it returns.
     */
    private static CompletableFuture<String> rewriteInPlaceThenSignal(Deployment app, long pid, String mainClass, String signal)
            throws Exception {
        assertTrue(app.get("/slow?ms=1").contains("slow done"));
        Thread.sleep(2500);
        rewriteInPlace(app.jar, mainClass);
        CompletableFuture<String> slow = app.getAsync("/slow?ms=1500");
        Thread.sleep(300);
        app.signal(pid, signal);
        return slow;
    }

    /**
     * Writes a release with {@code mainClass} into {@code jar}'s own file, as cp does: same inode, and every class
     * at another offset (the note ahead of them), so that none the JVM has not loaded yet can be read.
     */
    private static void rewriteInPlace(Path jar, String mainClass) throws Exception {
        Path release = jar.resolveSibling("release.jar");
        Jars.withMainClass(Deployment.TEST_APP, release, mainClass, "rewritten in place at " + java.time.Instant.now());
        byte[] bytes = Files.readAllBytes(release);
        assertFalse(Arrays.equals(bytes, Files.readAllBytes(jar)), "the rewrite must change the bytes the JVM reads");
        Object inode = Files.getAttribute(jar, "unix:ino");
        Files.write(jar, bytes);
        assertEquals(inode, Files.getAttribute(jar, "unix:ino"));
    }

    @Test
    void aNewJarOverTheDeployPathIsWhatStarts() throws Exception {
        try (Deployment app = new Deployment().start()) {
            Path release = app.dir.resolve("release-2.jar");
            Files.copy(Deployment.TEST_APP, release);
            Path current = app.dir.resolve("current.jar");
            Files.createSymbolicLink(current, release);
            Files.move(current, app.jar, StandardCopyOption.REPLACE_EXISTING);
            long next = app.upgrade();
            assertTrue(app.logText().contains(" from app.jar"), "the deploy path is used as written: " + app.tail());
            assertTrue(Files.readString(Path.of("/proc/" + next + "/cmdline")).contains("app.jar"));
            assertFalse(app.logText().contains("overwritten in place"), "a rename is the right way: " + app.tail());
        }
    }
}
