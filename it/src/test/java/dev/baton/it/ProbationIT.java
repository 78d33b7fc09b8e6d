package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.runtime.NotifySocket;
import dev.baton.tools.KeepAliveClient;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Probation: after a hand-off the old generation parks with its copy of the listener, and takes the service back
 * if the new generation dies within the window. Real processes, real signals, clients that never retry.
 */
class ProbationIT {

    @Test
    void aReleaseThatDiesAfterTakingOverHandsTheServiceBackAndLosesOnlyWhatItHeld() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.probation=20s")) {
            long gen1 = app.currentPid();
            Path good = app.dir.resolve("good.jar");
            Files.copy(app.jar, good);
            KeepAliveClient load = new KeepAliveClient("127.0.0.1", app.port(), 8, 240);
            FreshConnections fresh = new FreshConnections(app);
            try (load; fresh) {
                app.await(() -> load.ok() > 100, 30, "load to warm up");

                // A release that dies 300 ms after it took over (status 3, no drain).
                deploy(app, good, "dev.baton.it.TestApp$DiesAfterTakingOver");
                app.signal(gen1, "USR2");
                app.awaitLog("gen=1 pid=" + gen1 + " gen 2 pid ", 60);
                app.awaitLog("ms after taking over (status 3); gen 1 resumes", 60);
                assertEquals(gen1, app.currentPid(), "the resumed generation wrote the pid file again");
                assertTrue(app.get("/").contains("pid " + gen1), "the old generation serves again");
                long failedAtResume = load.failed() + fresh.failed.get();
                long before = load.ok();
                app.await(() -> load.ok() > before + 200, 30, "load served by the resumed generation");

                // A good release killed with SIGKILL while on probation: seen at once, whatever the status.
                deploy(app, good, null);
                long gen2 = app.upgrade();
                app.awaitLog("parked until gen 2 pid " + gen2, 30);
                app.signal(gen2, "KILL");
                app.awaitLog("gen 2 pid " + gen2 + " died", 30);
                assertTrue(app.logText().contains("(status 137); gen 1 resumes"), app.tail());
                app.await(() -> {
                    try {
                        return app.currentPid() == gen1;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }, 10, "the pid file to name gen 1 again");
                long lostToTheKill = load.failed() + fresh.failed.get() - failedAtResume;

                // The next upgrade works as usual and passes probation.
                long next = app.upgrade();
                long afterUpgrade = load.failed() + fresh.failed.get();
                app.awaitLog("probation passed: gen 2 pid " + next, 40);
                app.awaitGone(gen1, 20);
                long ok = load.ok();
                app.await(() -> load.ok() > ok + 100, 30, "load served by the new generation");
                assertEquals(afterUpgrade, load.failed() + fresh.failed.get(), "a passing upgrade loses nothing: "
                        + load.summary());

                // Only requests on the dying generation's own connections may fail: at most one or two per client.
                long lost = load.failed() + fresh.failed.get();
                System.out.printf("[probation] lost on the dying generations: %d (%d to the status-3 death, %d to the"
                        + " SIGKILL) of %d keep-alive and %d fresh-connection requests; %s%n", lost, failedAtResume,
                        lostToTheKill, load.total(), fresh.total.get(), load.summary());
                assertTrue(lost <= 2 * (8 + 1) * 2, "lost " + lost + ": " + load.summary());
                assertEquals(0, load.non2xx(), load.summary());
                assertEquals(0, fresh.refused.get(), "a fresh connection is never refused: the socket never closed");
            }
        }
    }

    @Test
    void systemdAlwaysSeesALiveMainProcess() throws Exception {
        try (Deployment app = new Deployment();
                NotifySocket systemd = new NotifySocket(app.dir.resolve("notify.sock"))) {
            app.start(List.of("-Dbaton.probation=2s"), Map.of("NOTIFY_SOCKET", systemd.path().toString()));
            long gen1 = app.currentPid();
            try (MainPidWatch watch = new MainPidWatch(systemd, gen1)) {
                long gen2 = app.upgrade();
                app.awaitLog("probation passed: gen 2 pid " + gen2, 30);
                app.awaitGone(gen1, 20);
                app.await(() -> watch.messages().size() >= 4, 10, "4 messages: " + watch.messages());
                assertEquals(List.of("READY=1", "RELOADING=1", "READY=1", "MAINPID=" + gen2 + "\nREADY=1"),
                        watch.messages(), "the parked generation stays the main process until probation passed");

                long gen3 = app.upgrade();
                app.signal(gen3, "KILL");
                app.awaitLog("gen 3 pid " + gen3 + " died", 30);
                app.await(() -> watch.messages().size() >= 7, 10, "7 messages: " + watch.messages());
                assertEquals(List.of("RELOADING=1", "READY=1", "READY=1"), watch.messages().subList(4, 7),
                        "gen 2 resumes as the main process it still is");
                assertTrue(Deployment.alive(gen2));
                assertEquals(List.of(), watch.violations(), "systemd's main process was never dead");
            }
            // systemctl stop (KillMode=control-group) during probation: both generations get SIGTERM.
            long parked = app.currentPid();
            long next = app.upgrade();
            app.awaitLog("parked until gen 3 pid " + next, 30);
            app.signal(parked, "TERM");
            app.signal(next, "TERM");
            app.awaitGone(next, 30);
            app.awaitGone(parked, 30);
            assertRefused(app.port());
            assertFalse(Files.exists(app.pidFile), "a final stop removes the pid file");
        }
    }

    @Test
    void stopSignalsDuringProbation() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.probation=60s")) {
            long gen1 = app.currentPid();
            // To the parked generation: it leaves at once, the new one keeps the service.
            long gen2 = app.upgrade();
            app.awaitLog("parked until gen 2 pid " + gen2, 30);
            long stopped = System.nanoTime();
            app.signal(gen1, "TERM");
            app.awaitGone(gen1, 10);
            assertTrue(System.nanoTime() - stopped < 5_000_000_000L, "a parked generation leaves at once");
            assertTrue(app.logText().contains("this generation is the service's main process now"), app.tail());
            assertTrue(app.get("/").contains("pid " + gen2));

            // To the new generation: the service stops, the parked one leaves with it rather than resume.
            long gen3 = app.upgrade();
            app.awaitLog("parked until gen 3 pid " + gen3, 30);
            app.signal(gen3, "TERM");
            app.awaitGone(gen3, 30);
            app.awaitGone(gen2, 10);
            assertTrue(app.logText().contains("gen 3 pid " + gen3 + " stops (SIGTERM): leaving with it"), app.tail());
            assertFalse(app.logText().contains("gen 2 resumes"), app.tail());
            assertRefused(app.port());
        }
    }

    @Test
    void anUpgradeDuringProbationGoesToTheGenerationThatOwnsTheService() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.probation=60s")) {
            long gen1 = app.currentPid();
            long gen2 = app.upgrade();
            app.awaitLog("parked until gen 2 pid " + gen2, 30);
            // systemctl reload signals systemd's main process: the parked one passes it on.
            app.signal(gen1, "USR2");
            long gen3 = app.awaitNewPid(gen2, 60);
            app.awaitGone(gen1, 20);
            assertTrue(app.logText().contains("SIGUSR2 on probation: passed on to gen 2 pid " + gen2), app.tail());
            app.awaitLog("parked until gen 3 pid " + gen3, 30);
            // SIGUSR2 to the new generation: its parent's probation ends, its own begins.
            app.signal(gen3, "USR2");
            long gen4 = app.awaitNewPid(gen3, 60);
            app.awaitGone(gen2, 20);
            assertTrue(app.logText().contains("gen 3 pid " + gen3 + " upgrades in its turn: probation ends"), app.tail());
            assertTrue(app.get("/").contains("gen 4 pid " + gen4));
            assertTrue(Deployment.alive(gen3), "gen 3 parks for gen 4");
        }
    }

    /** Deploys {@code good}, with another main class when one is given, by a rename over the deploy path. */
    private static void deploy(Deployment app, Path good, String mainClass) throws Exception {
        Path incoming = app.dir.resolve("incoming.jar");
        if (mainClass == null) {
            Files.copy(good, incoming, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Jars.withMainClass(good, incoming, mainClass);
        }
        Files.move(incoming, app.jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void assertRefused(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            throw new AssertionError("port " + port + " still accepts after the final stop");
        } catch (ConnectException refused) {
            // as a load balancer expects of a stopped backend
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One request per connection, back to back: a refused connection would show a socket that closed. */
    private static final class FreshConnections implements AutoCloseable {
        final AtomicLong total = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        FreshConnections(Deployment app) {
            thread = new Thread(() -> {
                long deadline = System.nanoTime() + 240_000_000_000L;
                while (running.get() && System.nanoTime() < deadline) {
                    total.incrementAndGet();
                    try {
                        if (!app.get("/").startsWith("HTTP/1.1 200")) {
                            failed.incrementAndGet();
                        }
                        Thread.sleep(5);
                    } catch (ConnectException e) {
                        refused.incrementAndGet();
                        failed.incrementAndGet();
                    } catch (java.io.IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fresh-connections");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(40_000);
        }
    }

    /** Follows systemd's idea of the main process, message by message, and checks it is alive every few ms. */
    private static final class MainPidWatch implements AutoCloseable {
        private final List<String> messages = new ArrayList<>();
        private final List<String> violations = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        MainPidWatch(NotifySocket systemd, long firstMain) {
            thread = new Thread(() -> {
                long main = firstMain;
                while (running.get()) {
                    try {
                        for (String message : systemd.drain()) {
                            synchronized (this) {
                                messages.add(message);
                            }
                            for (String line : message.split("\n")) {
                                if (line.startsWith("MAINPID=")) {
                                    main = Long.parseLong(line.substring("MAINPID=".length()));
                                }
                            }
                        }
                        if (!Deployment.alive(main)) {
                            synchronized (this) {
                                violations.add("main pid " + main + " dead after " + messages);
                            }
                            return;
                        }
                        Thread.sleep(5);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "main-pid-watch");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized List<String> messages() {
            return List.copyOf(messages);
        }

        synchronized List<String> violations() {
            return List.copyOf(violations);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }
}
