package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What a generation inherits from whatever started it: signal dispositions, a working directory, JVM options. */
class StartEnvironmentIT {

    @Test
    void sigintIgnoredAtStartIsHandledAnyway() throws Exception {
        // what a non-interactive shell does to every background job (cmd &)
        try (Deployment app = new Deployment().launchedBy("sh", "-c", "trap '' INT; exec \"$0\" \"$@\"").start()) {
            long pid = app.firstProcess().pid();
            assertTrue(app.logText().contains("SIGINT was ignored when this process started"), app.tail());
            long caught = Long.parseUnsignedLong(status(pid, "SigCgt:"), 16);
            assertTrue((caught & (1L << (2 - 1))) != 0, "SIGINT is caught: SigCgt " + Long.toHexString(caught));
            app.signal(pid, "INT");
            assertTrue(app.firstProcess().waitFor(15, TimeUnit.SECONDS), "SIGINT stops it");
            assertEquals(0, app.firstProcess().exitValue());
            assertTrue(app.logText().contains("(SIGINT)"), app.tail());
        }
    }

    @Test
    void eachUpgradeStartsInTheWorkingDirectoryAsNamedFollowingItsSymlinkAnew() throws Exception {
        try (Deployment app = new Deployment()) {
            Path releases = app.dir.resolve("releases");
            Path first = Files.createDirectories(releases.resolve("41"));
            Path second = Files.createDirectories(releases.resolve("42"));
            Files.copy(Deployment.TEST_APP, first.resolve("app.jar"));
            Files.copy(Deployment.TEST_APP, second.resolve("app.jar"));
            Path current = Files.createSymbolicLink(app.dir.resolve("current"), Path.of("releases", "41"));
            app.in(current).start();

            long gen2 = app.upgrade();
            assertEquals(first.toRealPath(), cwd(gen2));
            Path next = Files.createSymbolicLink(app.dir.resolve("current.next"), Path.of("releases", "42"));
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long gen3 = app.upgrade();
            assertEquals(second.toRealPath(), cwd(gen3), "the switched symlink is followed");
            assertTrue(opens(gen3, second.toRealPath().resolve("app.jar")), "and the relative deploy path in it");

            try (Stream<Path> old = Files.walk(first)) { // release 41 pruned
                old.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            long gen4 = app.upgrade();
            assertEquals(second.toRealPath(), cwd(gen4));
            assertTrue(app.get("/").contains("gen 4 pid " + gen4));
        }
    }

    @Test
    void aChildThatCannotBindAJvmOptionsPortIsReportedWithItsOwnWordsAndTheOption() throws Exception {
        int debugPort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            debugPort = free.getLocalPort();
        }
        String jdwp = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + debugPort;
        try (Deployment app = new Deployment().start(jdwp)) {
            long gen1 = app.currentPid();
            app.signal(gen1, "USR2");
            app.awaitLog("upgrade failed", 60);
            String failure = app.logText().lines().filter(line -> line.contains("upgrade failed")).findFirst().orElseThrow();
            assertTrue(failure.matches(".*gen 2 pid \\d+ exited with status \\d+ before it was ready: \"[^\"]+\"; .*"), failure);
            assertTrue(failure.contains("it could not bind a port: the JVM option " + jdwp + " binds a fixed port"), failure);
            assertTrue(failure.endsWith("gen 1 keeps serving"), failure);
            assertTrue(app.get("/").contains("gen 1 pid " + gen1));
        }
    }

    private static String status(long pid, String field) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(line -> line.startsWith(field))
                .findFirst().orElseThrow().substring(field.length()).trim();
    }

    private static Path cwd(long pid) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd"));
    }

    private static boolean opens(long pid, Path file) throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (java.io.IOException closedMeanwhile) {
                    return false;
                }
            });
        }
    }
}
