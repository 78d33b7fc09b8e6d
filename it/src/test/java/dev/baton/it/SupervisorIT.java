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
            // Without probation the new generation is the main process from its ready report on (see ProbationIT).
            app.start(List.of("-Dbaton.probation=0s"), Map.of("NOTIFY_SOCKET", systemd.path().toString()));
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
            CompletableFuture<String> slow = app.getAsync("/slow?ms=1500");
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
            app.getAsync("/slow?ms=20000"); // the process is stopped under it
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

    /**
     * systemd socket activation: the process is exec'ed with the listener at fd 3 and LISTEN_PID naming itself.
     * A few lines of Python play systemd's part (bind, listen, dup to fd 3, set the variables, exec).
     */
    @Test
    void takesTheListenerFromSystemdSocketActivation() throws Exception {
        try (Deployment app = new Deployment()) {
            String systemd = String.join("\n",
                    "import os, socket, sys",
                    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(128)",
                    "print(s.getsockname()[1], flush=True)",
                    "os.dup2(s.fileno(), 3); os.set_inheritable(3, True)",
                    "os.environ['LISTEN_FDS'] = '1'; os.environ['LISTEN_PID'] = str(os.getpid())",
                    "os.execv(sys.argv[1], sys.argv[1:])");
            Process process = new ProcessBuilder("python3", "-c", systemd,
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dbaton.pidFile=" + app.pidFile, "-jar", "app.jar")
                    .directory(app.dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(app.log.toFile())).start();
            try {
                app.awaitLog("(systemd socket activation)", 30);
                int port = Integer.parseInt(Files.readAllLines(app.log).get(0).trim());
                app.awaitLog("ready", 30);
                assertTrue(app.logText().contains("listening on 127.0.0.1:" + port + " (systemd socket activation)"), app.tail());
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
                    String answer = new String(socket.getInputStream().readAllBytes());
                    assertTrue(answer.contains("gen 1 pid " + process.pid()), answer);
                }
            } finally {
                process.destroy();
                process.waitFor(20, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
        }
    }

    /**
     * Several sockets, named as a socket unit's FileDescriptorName= names them (LISTEN_FDNAMES): the one named
     * admin is the admin listener, the other the main one; an upgrade hands both on.
     */
    @Test
    void takesNamedListenersFromSystemdAndHandsThemOn() throws Exception {
        try (Deployment app = new Deployment()) {
            String systemd = String.join("\n",
                    "import os, socket, sys",
                    "main = socket.socket(); main.bind(('127.0.0.1', 0)); main.listen(128)",
                    "admin = socket.socket(); admin.bind(('127.0.0.1', 0)); admin.listen(128)",
                    "print(main.getsockname()[1], admin.getsockname()[1], flush=True)",
                    "a, m = os.dup(admin.fileno()), os.dup(main.fileno())  # above 3 and 4, which the sockets hold now",
                    "os.dup2(a, 3); os.dup2(m, 4)",
                    "os.set_inheritable(3, True); os.set_inheritable(4, True)",
                    "os.environ['LISTEN_FDS'] = '2'; os.environ['LISTEN_FDNAMES'] = 'admin:web'",
                    "os.environ['LISTEN_PID'] = str(os.getpid())",
                    "os.execv(sys.argv[1], sys.argv[1:])");
            Process process = new ProcessBuilder("python3", "-c", systemd,
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dbaton.pidFile=" + app.pidFile, "-Dbaton.admin=127.0.0.1:1", "-Dbaton.probation=0s", "-jar", "app.jar")
                    .directory(app.dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(app.log.toFile())).start();
            try {
                app.awaitLog("ready", 30);
                String[] ports = Files.readAllLines(app.log).get(0).trim().split(" ");
                int port = Integer.parseInt(ports[0]);
                int admin = Integer.parseInt(ports[1]);
                assertTrue(app.logText().contains("listening on 127.0.0.1:" + port + " (systemd socket activation)"), app.tail());
                assertTrue(app.logText().contains("admin listener on 127.0.0.1:" + admin + " (systemd socket activation)"), app.tail());
                assertTrue(RawHttp.get(admin, "/baton/status", 10_000).contains("\"generation\":1"));
                assertTrue(RawHttp.get(port, "/", 10_000).contains("gen 1 pid " + process.pid()));
                app.signal(process.pid(), "USR2");
                long next = app.awaitNewPid(process.pid(), 60);
                app.awaitLog("admin listener on 127.0.0.1:" + admin + " (inherited from gen 1 pid " + process.pid() + ")", 30);
                assertTrue(RawHttp.get(admin, "/baton/status", 10_000).contains("\"pid\":" + next));
                assertTrue(RawHttp.get(port, "/", 10_000).contains("gen 2 pid " + next));
            } finally {
                process.destroy();
                process.waitFor(20, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aStopDuringAnUpgradeTakesTheChildDownToo() throws Exception {
        try (Deployment app = new Deployment().start()) {
            Jars.withMainClass(Deployment.TEST_APP, app.jar, "dev.baton.it.TestApp$NeverReady");
            long parent = app.firstProcess().pid();
            app.signal(parent, "USR2");
            app.awaitLog("spawned gen 2 pid ", 30);
            java.util.regex.Matcher spawned = java.util.regex.Pattern.compile("spawned gen 2 pid (\\d+)").matcher(app.logText());
            assertTrue(spawned.find());
            long child = Long.parseLong(spawned.group(1));
            app.signal(parent, "TERM");
            assertTrue(app.firstProcess().waitFor(20, TimeUnit.SECONDS), "the parent exits");
            assertEquals(0, app.firstProcess().exitValue());
            app.awaitGone(child, 10);
            assertTrue(app.logText().contains("SIGTERM: stopping the upgrade to child pid " + child), app.tail());
            assertFalse(app.logText().contains("keeps serving"), app.tail());
            assertFalse(app.logText().contains("overwritten in place"), "the jar was replaced by a rename: " + app.tail());
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
