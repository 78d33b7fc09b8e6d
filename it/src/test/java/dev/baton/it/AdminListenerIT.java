package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code baton.admin}: the operator's endpoints on a listener of their own, off the app's port, and that socket
 * handed from generation to generation over SCM_RIGHTS: probes on fresh connections, back to back through two
 * upgrades, are never refused and always answered; a stop closes it.
 */
class AdminListenerIT {

    @Test
    void theAdminListenerServesTheEndpointsAndSurvivesUpgrades() throws Exception {
        int adminPort = Deployment.freePort();
        try (Deployment app = new Deployment().start("-Dbaton.admin=127.0.0.1:" + adminPort)) {
            long gen1 = app.currentPid();
            app.awaitLog("gen=1 pid=" + gen1 + " admin listener on 127.0.0.1:" + adminPort + " (bound)", 10);
            assertTrue(admin(adminPort, "/baton/status").contains("\"generation\":1"));
            assertTrue(admin(adminPort, "/baton/metrics").contains("baton_generation 1"));
            assertTrue(admin(adminPort, "/").startsWith("HTTP/1.1 404 "), "the app is not served there");
            assertTrue(app.get("/baton/status").startsWith("HTTP/1.1 404 "), "nor the endpoints on the app's port");

            AtomicInteger answered = new AtomicInteger();
            AtomicReference<String> failure = new AtomicReference<>();
            Thread probes = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (failure.get() == null && !Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                    try {
                        String answer = admin(adminPort, "/baton/health/live");
                        if (!answer.startsWith("HTTP/1.1 200 ")) {
                            failure.set(answer);
                        }
                        answered.incrementAndGet();
                        Thread.sleep(5);
                    } catch (IOException e) {
                        failure.set(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "admin probes");
            probes.start();
            Set<String> listening = ProcSockets.listeningInodes(adminPort);
            assertEquals(1, listening.size(), "one socket listens on the admin port: " + listening);
            long gen2 = app.upgrade();
            app.awaitLog("gen=2 pid=" + gen2 + " admin listener on 127.0.0.1:" + adminPort + " (inherited from gen 1 pid "
                    + gen1 + ")", 10);
            assertEquals(listening, ProcSockets.listeningInodes(adminPort), "the same socket, never bound anew");
            assertTrue(ProcSockets.socketInodes(gen2).containsAll(listening), "gen 2 holds it: " + ProcSockets.socketInodes(gen2));
            assertEquals(2, ProcSockets.heldBy(gen2).listening(), "gen 2 holds the main and the admin listener, no more");
            app.awaitGone(gen1, 30);
            long gen3 = app.upgrade();
            app.awaitGone(gen2, 30);
            probes.interrupt();
            probes.join(10_000);
            assertEquals(null, failure.get(), "a probe to the admin listener failed during the upgrades\n" + app.tail());
            assertTrue(answered.get() > 50, "probes answered: " + answered.get());
            String status = admin(adminPort, "/baton/status");
            assertTrue(status.contains("\"generation\":3") && status.contains("\"pid\":" + gen3), status);

            app.signal(gen3, "TERM");
            app.awaitGone(gen3, 30);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", adminPort).close(), "a stop closes it");
        }
    }

    @Test
    void aChildWhoseParentIsKilledDuringTheHandOffServesTheAdminListenerToo() throws Exception {
        int adminPort = Deployment.freePort();
        try (Deployment app = new Deployment().start("-Dbaton.admin=127.0.0.1:" + adminPort)) {
            long gen1 = app.currentPid();
            app.signal(gen1, "USR2");
            long child = app.awaitSpawned(2);
            app.signal(gen1, "KILL"); // before or after the child took its copy of the admin listener: both must serve
            assertTrue(app.firstProcess().waitFor(5, TimeUnit.SECONDS));
            app.awaitLog("gen=2 pid=" + child + " parent gen 1 pid " + gen1 + " died during the hand-off; taking over", 60);
            app.await(() -> {
                try {
                    return admin(adminPort, "/baton/status").contains("\"pid\":" + child);
                } catch (IOException e) {
                    return false;
                }
            }, 10, "gen 2 to answer on the admin listener\n" + app.tail());
            assertTrue(app.get("/").contains("gen 2 pid " + child));
        }
    }

    @Test
    void aReleaseThatAddsTheAdminListenerBindsItAndOneThatDropsItClosesIt() throws Exception {
        int adminPort = Deployment.freePort();
        try (Deployment app = new Deployment().start("-DtestApp.adminPort=" + adminPort)) {
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", adminPort).close());
            Path plain = app.dir.resolve("plain.jar");
            Files.copy(app.jar, plain);
            Path incoming = app.dir.resolve("incoming.jar");
            Jars.withMainClass(plain, incoming, "dev.baton.it.TestApp$WithAdmin");
            Files.move(incoming, app.jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long gen2 = app.upgrade();
            app.awaitLog("gen=2 pid=" + gen2 + " admin listener on 127.0.0.1:" + adminPort + " (bound)", 10);
            assertTrue(admin(adminPort, "/baton/status").contains("\"pid\":" + gen2));

            Files.copy(plain, incoming);
            Files.move(incoming, app.jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long gen3 = app.upgrade();
            app.awaitGone(gen2, 30);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", adminPort).close(),
                    "the release that dropped it holds no copy, and its parent closed its own");
            assertTrue(app.get("/baton/status").contains("\"pid\":" + gen3), "the endpoints are on the main port again");
        }
    }

    private static String admin(int port, String path) throws IOException {
        return RawHttp.get(port, path, 10_000);
    }

}
