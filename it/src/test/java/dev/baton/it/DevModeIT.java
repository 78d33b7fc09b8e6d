package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.tools.KeepAliveClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mvnw baton:dev} as a developer meets it, in a project generated from the archetype: the real goal in
 * the real Maven, a route edited under keep-alive clients that never retry, a compile error (the running
 * generation serves on, the compiler's output is printed), its fix, Ctrl-C, and a {@code kill -9} of Maven's JVM;
 * after either, no app process is left (checked in /proc).
 */
class DevModeIT {

    private static final Path WORK = Path.of(System.getProperty("devMode.dir", "target/dev-mode")).toAbsolutePath();
    private static final String MAVEN = Path.of(System.getProperty("maven.home", "/usr/share/maven"), "bin", "mvn").toString();
    // Baton, the plugin and the archetype come from it.repo (see pom.xml); everything else from the build's own.
    private static final List<String> REPOS = List.of("-Dmaven.repo.local=" + System.getProperty("it.repo"),
            "-Dmaven.repo.local.tail=" + System.getProperty("tail.repo"));
    private static Path project;
    private static Path routes;
    private static String generated;

    @BeforeAll
    static void generate() throws Exception {
        delete(WORK);
        Files.createDirectories(WORK);
        List<String> command = new ArrayList<>(List.of(MAVEN, "-B", "-ntp", "-q",
                "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("archetype-plugin.version") + ":generate",
                "-DarchetypeGroupId=dev.baton", "-DarchetypeArtifactId=baton-archetype",
                "-DarchetypeVersion=" + System.getProperty("devMode.batonVersion"), "-DinteractiveMode=false",
                "-DgroupId=com.example.dev", "-DartifactId=devapp"));
        command.addAll(REPOS);
        Process generate = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("generate.log").toFile()).start();
        assertTrue(generate.waitFor(120, TimeUnit.SECONDS), "archetype:generate within 120 s");
        assertEquals(0, generate.exitValue(), Files.readString(WORK.resolve("generate.log")));
        project = WORK.resolve("devapp");
        routes = project.resolve("src/main/java/com/example/dev/GreetingRoutes.java");
        assertTrue(Files.readString(project.resolve("README.md")).contains("./mvnw baton:dev"), "the README has the command");
        generated = Files.readString(routes);
    }

    @BeforeEach
    void asGenerated() throws IOException {
        Files.writeString(routes, generated);
    }

    @AfterAll
    static void noneLeft() {
        // whatever a failed test left behind
        appProcesses().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void editsReloadWithoutAFailedRequestACompileErrorKeepsTheLastGoodBuildAndCtrlCLeavesNothing() throws Exception {
        int port = Deployment.freePort();
        Dev dev = Dev.start(port, "dev1.log");
        try {
            dev.await(() -> dev.output().contains("] started in "), 120, "baton:dev to start the app");
            assertTrue(get(port, "/").endsWith("hello from devapp, gen 1\n"), get(port, "/"));
            assertTrue(dev.output().contains("-Dbaton.host=127.0.0.1"), "the dev profile is shown");

            try (KeepAliveClient load = new KeepAliveClient("127.0.0.1", port, 4, 240)) {
                dev.await(() -> load.ok() > 50, 30, "load on gen 1");

                // 1. an edit: the new answer, through a zero-downtime upgrade
                edit("\"hello from ", "\"hello again from ");
                dev.await(() -> load.answers().keySet().stream().anyMatch(a -> a.startsWith("hello again from devapp")),
                        60, "the edited route to answer");
                dev.await(() -> dev.output().contains("] reloaded in "), 10, "the reload line");
                assertTrue(dev.output().matches("(?s).*reloaded in [0-9.]+ s: compile [0-9.]+ s, package [0-9.]+ s,"
                        + " hand-off [0-9.]+ s \\(1 file changed: GreetingRoutes.java\\).*"), dev.output());

                // 2. a compile error: printed in full; the running generation serves on
                String good = Files.readString(routes);
                long reloads = count(dev.output(), "] reloaded in ");
                Files.writeString(routes, good.replace("app.get(\"/\", ctx ->", "app.get(\"/\", ctx -> oops"));
                dev.await(() -> dev.output().contains("build failed: pid "), 60, "the compile error to be reported");
                String output = dev.output();
                assertTrue(output.contains("GreetingRoutes.java:[") && output.contains("ERROR"), output);
                assertTrue(output.contains("keeps serving the last good build"), output);
                assertTrue(get(port, "/").contains("hello again from devapp"), "the last good build serves on");
                long served = load.ok();
                dev.await(() -> load.ok() > served + 50, 30, "load served meanwhile");
                assertEquals(reloads, count(dev.output(), "] reloaded in "), "no reload from a broken build");

                // 3. the fix: a new answer again
                Files.writeString(routes, good.replace("\"hello again from ", "\"hello, fixed, from "));
                dev.await(() -> load.answers().keySet().stream().anyMatch(a -> a.startsWith("hello, fixed, from devapp")),
                        60, "the fixed route to answer");
                long more = load.ok();
                dev.await(() -> load.ok() > more + 50, 30, "load on the fixed generation");
                load.close();
                assertEquals(0, load.failed(), load.summary());
                assertEquals(0, load.non2xx(), load.summary());
            }
            Set<Long> app = appProcesses();
            assertFalse(app.isEmpty(), "the app runs");

            // 4. Ctrl-C: Maven's JVM gets SIGINT, the app drains and exits, nothing is left
            dev.interrupt();
            assertTrue(dev.process.waitFor(30, TimeUnit.SECONDS), "Maven exits after Ctrl-C\n" + dev.output());
            assertTrue(dev.output().contains("baton:dev stopped"), dev.output());
            assertTrue(dev.output().contains(" exit 0"), "the app drained and exited: " + dev.output());
            assertEquals(Set.of(), alive(app), "app processes left after Ctrl-C");
            assertEquals(Set.of(), appProcesses(), "app processes left after Ctrl-C");
        } finally {
            dev.kill();
        }
    }

    @Test
    void killingMavensJvmStopsTheAppWithinSeconds() throws Exception {
        int port = Deployment.freePort();
        Dev dev = Dev.start(port, "dev2.log");
        try {
            dev.await(() -> dev.output().contains("] started in "), 120, "baton:dev to start the app");
            // one upgrade first: gen 2's parent is gen 1, not Maven, and it must stop all the same
            edit("\"hello from ", "\"hello, killed soon, from ");
            dev.await(() -> get(port, "/").contains("hello, killed soon, from devapp, gen 2"), 60, "gen 2 to serve");
            Set<Long> app = appProcesses();
            assertFalse(app.isEmpty());
            long maven = dev.process.pid();
            new ProcessBuilder("kill", "-9", Long.toString(maven)).start().waitFor();
            long killed = System.nanoTime();
            dev.await(() -> alive(app).isEmpty() && appProcesses().isEmpty(), 10, "the app to stop after kill -9 of Maven");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
            assertTrue(seconds <= 5, "the app stopped " + seconds + " s after Maven's JVM was killed");
        } finally {
            dev.kill();
        }
    }

    // ---- helpers

    /** ./mvnw baton:dev in the generated project, its output in a file. */
    private record Dev(Process process, Path log) {

        static Dev start(int port, String logName) throws IOException {
            List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-ntp", "-o", "baton:dev",
                    "-Dbaton.port=" + port));
            command.addAll(REPOS);
            Path log = WORK.resolve(logName);
            Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new Dev(process, log);
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        /**
         * What Ctrl-C sends Maven's JVM (mvnw and mvn exec it). A JVM started with SIGINT ignored (a background job of
         * a non-interactive shell up the line) keeps it ignored, and gets SIGTERM instead: the same shutdown hook.
         */
        void interrupt() throws Exception {
            String status = Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"));
            String ignored = status.lines().filter(line -> line.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0");
            boolean intIgnored = (Long.parseLong(ignored.substring("SigIgn:".length()).trim(), 16) & 0x2) != 0;
            new ProcessBuilder("kill", intIgnored ? "-TERM" : "-INT", Long.toString(process.pid())).start().waitFor();
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        void await(BooleanSupplier condition, int seconds, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    fail("timed out after " + seconds + " s waiting for " + what + "\n--- baton:dev's output:\n" + output());
                }
                Thread.sleep(50);
            }
        }
    }

    private static void edit(String from, String to) throws IOException {
        String source = Files.readString(routes);
        assertTrue(source.contains(from), source);
        Files.writeString(routes, source.replace(from, to));
    }

    /** Every live process that runs this test's app: a JVM whose command line names the project's deploy path. */
    static Set<Long> appProcesses() {
        Set<Long> pids = new TreeSet<>();
        if (project == null) {
            return pids;
        }
        String deployPath = project.resolve("target/baton-dev/current.jar").toString();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) proc::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(deployPath)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    private static Set<Long> alive(Set<Long> pids) {
        Set<Long> alive = new TreeSet<>();
        for (long pid : pids) {
            if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
                alive.add(pid);
            }
        }
        return alive;
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }


    /** One GET on a fresh connection that asks to be closed: the whole response ("" when nothing answers). */
    private static String get(int port, String path) {
        try {
            return RawHttp.get(port, path, 10_000);
        } catch (IOException e) {
            return "";
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
