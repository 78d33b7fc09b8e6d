package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tools.KeepAliveClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-off is a commit: before GO the parent owns the service, after GO the child does. Operators and faults
 * at each step (signals to either side, a parent that dies or freezes, a stop after a failed upgrade) never take
 * down the side that owns the service.
 */
class HandOffFaultsIT {

    @Test
    void sigtermToTheDrainingOldGenerationLeavesTheNewOneServing() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.drainTimeout=60s")) {
            long gen1 = app.currentPid();
            CompletableFuture<String> held = app.getAsync("/slow?ms=30000"); // keeps gen 1 draining
            Thread.sleep(300);
            long gen2;
            KeepAliveClient load = new KeepAliveClient("127.0.0.1", app.port(), 4, 120);
            try (load) {
                app.await(() -> load.ok() > 100, 30, "load to warm up");
                gen2 = app.upgrade();
                app.awaitLog("gen=1 pid=" + gen1 + " draining ", 10);
                Thread.sleep(1500); // the clients moved to gen 2 on their next request; gen 1 is left with the slow one
                app.signal(gen1, "TERM");
                // On probation (as Deployment runs every test) the drain goes on, then gen 1 leaves without parking.
                app.awaitLog("gen=1 pid=" + gen1 + " SIGTERM: probation ends; gen 2 pid " + gen2 + " keeps the service", 10);
                Thread.sleep(1000);
                assertTrue(Deployment.alive(gen1), "the first SIGTERM leaves the drain to go on");
                assertTrue(Deployment.alive(gen2), "and the new generation alone");
                app.signal(gen1, "TERM");
                assertTrue(app.firstProcess().waitFor(10, TimeUnit.SECONDS), "a second SIGTERM ends the drain");
                assertEquals(143, app.firstProcess().exitValue());
                long before = load.ok();
                app.await(() -> load.ok() > before + 200, 30, "gen 2 serving on");
            }
            assertFalse(held.get(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"), "the held request was cut");
            assertEquals(0, load.failed(), load.summary());
            assertEquals(0, load.non2xx(), load.summary());
            assertTrue(Deployment.alive(gen2), app.tail());
            assertEquals(gen2, app.currentPid());
            assertTrue(app.get("/").contains("gen 2 pid " + gen2));
            assertFalse(app.logText().contains("stopping the upgrade to child"), app.tail());
        }
    }

    @Test
    void sigtermToBothRightAfterAReloadDrainsBoth() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            CompletableFuture<String> onGen1 = app.getAsync("/slow?ms=2500");
            Thread.sleep(300);
            long gen2 = app.upgrade();
            CompletableFuture<String> onGen2 = app.getAsync("/slow?ms=2000");
            Thread.sleep(300);
            app.signal(gen1, "TERM"); // what systemctl stop does with KillMode=control-group
            app.signal(gen2, "TERM");
            String first = onGen1.get(20, TimeUnit.SECONDS);
            String second = onGen2.get(20, TimeUnit.SECONDS);
            assertTrue(first.startsWith("HTTP/1.1 200") && first.contains("by pid " + gen1), first);
            assertTrue(second.startsWith("HTTP/1.1 200") && second.contains("by pid " + gen2), second);
            assertTrue(app.firstProcess().waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, app.firstProcess().exitValue(), app.tail());
            app.awaitGone(gen2, 20);
            assertTrue(app.logText().contains("gen=2 pid=" + gen2 + " exit 0"), app.tail());
            assertTrue(app.logText().contains("gen=2 pid=" + gen2 + " draining 1 exchanges on 1 connections (SIGTERM)"), app.tail());
            assertFalse(app.logText().contains("again while draining"), app.tail());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", app.port()).close(), "the service stopped");
        }
    }

    @Test
    void sigtermToBothDuringTheHandOffStopsBothWithoutCuttingAnything() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            CompletableFuture<String> inFlight = app.getAsync("/slow?ms=2000");
            Thread.sleep(300);
            app.signal(gen1, "USR2");
            long child = app.awaitSpawned(2);
            Thread.sleep(400); // the child is somewhere in its start-up: each moment must end the same way
            app.signal(gen1, "TERM");
            app.signal(child, "TERM");
            assertTrue(inFlight.get(20, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"), "the parent drained");
            assertTrue(app.firstProcess().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, app.firstProcess().exitValue(), app.tail());
            app.awaitGone(child, 30);
            assertFalse(app.logText().contains("exiting now"), "no drain was cut: " + app.tail());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", app.port()).close(), "the service stopped");
        }
    }

    @Test
    void theChildTakesOverWhenItsParentIsKilledDuringTheHandOff() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            app.signal(gen1, "USR2");
            long child = app.awaitSpawned(2);
            app.signal(gen1, "KILL"); // the OOM killer, say, while the child starts
            assertTrue(app.firstProcess().waitFor(5, TimeUnit.SECONDS));
            // the listener lives on in the child: this connection waits in its queue until the child serves
            String answer;
            try {
                answer = app.getAsync("/").get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no answer; child " + Deployment.state(child) + "\n" + app.tail());
            }
            assertTrue(answer.contains("gen 2 pid " + child), answer + "\n" + app.tail());
            app.awaitLog("gen=2 pid=" + child + " parent gen 1 pid " + gen1 + " died during the hand-off; taking over", 30);
            assertEquals(child, app.awaitNewPid(gen1, 30), "the pid file names the child");
            String environ = Files.readString(Path.of("/proc/" + child + "/environ"));
            Matcher socket = Pattern.compile("BATON_HANDOFF_SOCKET=([^\\x00]+)").matcher(environ);
            assertTrue(socket.find());
            Path handoffDir = Path.of(socket.group(1)).getParent();
            app.await(() -> !Files.exists(handoffDir), 10, "the dead parent's hand-off directory removed");
            long gen3 = app.upgrade();
            assertTrue(app.get("/").contains("gen 3 pid " + gen3), "the survivor upgrades as usual");
        }
    }

    @Test
    void aChildWhoseParentNeverAnswersDrainsWhatItAcceptedAndLeaves() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            app.signal(gen1, "USR2");
            long child = app.awaitSpawned(2);
            app.signal(gen1, "STOP"); // frozen: it never answers the child's ready report
            try {
                // waits in the queue; the child accepts it once it serves, and gives up while it runs
                CompletableFuture<String> accepted = app.getAsync("/slow?ms=14000");
                app.await(() -> !Deployment.alive(child), 60, "the child to give up and exit");
                String answer;
                try {
                    answer = accepted.get(5, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("the child left without answering the request it should have accepted\n"
                            + app.tail());
                }
                assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("slow done by pid " + child), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
                CompletableFuture<String> queued = app.getAsync("/"); // waits for the frozen parent
                Thread.sleep(200);
                app.signal(gen1, "CONT");
                assertTrue(queued.get(20, TimeUnit.SECONDS).contains("gen 1 pid " + gen1));
            } finally {
                app.signal(gen1, "CONT");
            }
            app.awaitLog("; gen 1 keeps serving", 30);
            app.awaitLog("gen=2 pid=" + child + " parent gen 1 pid " + gen1 + " kept the service", 10);
            assertTrue(app.logText().contains("gen=2 pid=" + child + " exit 1"), app.tail());
            assertEquals(gen1, app.currentPid(), "the parent still owns the service");
            assertTrue(app.get("/").contains("gen 1 pid " + gen1));
        }
    }

    @Test
    void aStopAfterAFailedUpgradeRefusesNewConnectionsAtOnce() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            Jars.withMainClass(Deployment.TEST_APP, app.jar, "dev.baton.it.TestApp$MainThrows");
            app.signal(gen1, "USR2");
            app.awaitLog("upgrade failed", 60);
            CompletableFuture<String> inFlight = app.getAsync("/slow?ms=3000"); // keeps the drain open
            Thread.sleep(300);
            app.signal(gen1, "TERM");
            app.awaitLog("gen=1 pid=" + gen1 + " draining 1 exchanges", 10);
            Thread.sleep(100);
            for (int i = 0; i < 5; i++) {
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", app.port()).close(),
                        "no copy of the listener is left to queue connections nobody takes");
            }
            assertTrue(inFlight.get(10, TimeUnit.SECONDS).startsWith("HTTP/1.1 200"));
            assertTrue(app.firstProcess().waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, app.firstProcess().exitValue());
        }
    }

    @Test
    void silentAndLyingPeersOnTheReadySocketDoNotHoldTheUpgrade() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Set<java.nio.file.Path> before = handoffSockets(tmp);
            app.signal(gen1, "USR2");
            java.nio.file.Path[] socket = new java.nio.file.Path[1];
            app.await(() -> {
                Set<java.nio.file.Path> now = handoffSockets(tmp);
                now.removeAll(before);
                socket[0] = now.stream().findFirst().orElse(null);
                return socket[0] != null;
            }, 30, "the hand-off socket");
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket[0]);
            try (SocketChannel silent = SocketChannel.open(address);
                    SocketChannel liar = SocketChannel.open(address)) {
                liar.write(ByteBuffer.wrap(("READY " + ProcessHandle.current().pid() + " 00\n").getBytes()));
                long gen2 = app.awaitNewPid(gen1, 60);
                assertTrue(app.get("/").contains("gen 2 pid " + gen2));
                assertTrue(app.logText().contains("dropped a peer on the ready channel: it reported ready with another pid or token"),
                        app.tail());
                assertTrue(app.logText().contains("dropped a peer on the ready channel: it said nothing within 2000 ms")
                        || app.logText().contains("dropped a peer on the ready channel: it had not reported when the wait ended"),
                        app.tail());
            }
        }
    }

    private static Set<java.nio.file.Path> handoffSockets(Path tmp) {
        try (var dirs = Files.newDirectoryStream(tmp, "baton-handoff-*")) {
            Set<java.nio.file.Path> sockets = new HashSet<>();
            dirs.forEach(dir -> sockets.add(dir.resolve("ready.sock")));
            sockets.removeIf(path -> !Files.exists(path));
            return sockets;
        } catch (IOException e) {
            return new HashSet<>();
        }
    }
}
