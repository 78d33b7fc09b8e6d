package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One deployed app, as a user runs it: a deploy directory with {@code app.jar}, started with {@code java -jar}
 * (all generations log to one file, as they share stdout), a pid file, and signals sent with {@code kill}.
 */
final class Deployment implements AutoCloseable {

    static final Path TEST_APP = Path.of(System.getProperty("testApp.jar", "target/test-app.jar"));
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+) ");

    final Path dir;
    final Path jar;
    final Path log;
    final Path pidFile;
    private final Set<Long> pids = new LinkedHashSet<>();
    private List<String> launcher = List.of();
    private Path workingDirectory;
    private Path javaHome = Path.of(System.getProperty("java.home"));
    private Process first;
    private int port;

    Deployment() throws IOException {
        dir = Files.createTempDirectory("baton-it-");
        jar = dir.resolve("app.jar");
        log = dir.resolve("out.log");
        pidFile = dir.resolve("app.pid");
        Files.copy(TEST_APP, jar);
        workingDirectory = dir;
    }

    /** Starts generation 1 through {@code command} (e.g. a shell that changes a signal's disposition, then execs). */
    Deployment launchedBy(String... command) {
        launcher = List.of(command);
        return this;
    }

    /** Starts generation 1 with the JDK at {@code home} (every later one runs on it too), not the tests' own. */
    Deployment withJava(Path home) {
        javaHome = home;
        return this;
    }

    Path java() {
        return javaHome.resolve("bin").resolve("java");
    }

    /** Starts generation 1 in {@code directory} (as named, with PWD set as a shell or a unit would), not in {@link #dir}. */
    Deployment in(Path directory) {
        workingDirectory = directory;
        return this;
    }

    /**
     * Starts generation 1 with {@code options} (e.g. -Dbaton.readyTimeout=3s, which win over the defaults here)
     * and waits until it is ready.
     */
    Deployment start(List<String> options, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java().toString(),
                "-Dbaton.host=127.0.0.1", "-Dbaton.port=0", "-Dbaton.pidFile=" + pidFile,
                // Every upgrade parks the old generation, briefly: the whole suite goes through probation.
                "-Dbaton.probation=1s"));
        command.addAll(options);
        command.addAll(List.of("-jar", "app.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PWD", workingDirectory.toString());
        builder.environment().putAll(environment);
        first = builder.start();
        String ready = "gen=1 pid=" + first.pid() + " ready";
        await(() -> {
            try {
                return logText().contains(ready) || !first.isAlive();
            } catch (IOException e) {
                return false;
            }
        }, 30, "'" + ready + "'");
        assertTrue(first.isAlive(), "generation 1 died at start-up:\n" + tail());
        Matcher listening = LISTENING.matcher(logText());
        assertTrue(listening.find(), "no listening line in " + logText());
        port = Integer.parseInt(listening.group(1));
        pids.add(first.pid());
        return this;
    }

    Deployment start(String... options) throws Exception {
        return start(List.of(options), Map.of());
    }

    Process firstProcess() {
        return first;
    }

    int port() {
        return port;
    }

    long currentPid() throws IOException {
        String text = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
        return text.isEmpty() ? -1 : Long.parseLong(text);
    }

    void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    /** Sends SIGUSR2 to the current generation and waits until a new one wrote the pid file and answers. */
    long upgrade() throws Exception {
        long old = currentPid();
        signal(old, "USR2");
        long next = awaitNewPid(old, 60);
        String answer = get("/");
        assertTrue(answer.contains("pid " + next), "new generation answers: " + answer + "\n--- log tail:\n" + tail());
        return next;
    }

    long awaitNewPid(long old, int seconds) throws Exception {
        await(() -> {
            try {
                long pid = currentPid();
                return pid > 0 && pid != old;
            } catch (IOException | NumberFormatException e) {
                return false;
            }
        }, seconds, "a new pid in " + pidFile + " (was " + old + ")\n" + tail());
        long pid = currentPid();
        pids.add(pid);
        return pid;
    }

    /** Waits until generation {@code generation} was spawned; its pid. */
    long awaitSpawned(int generation) throws Exception {
        String spawned = "spawned gen " + generation + " pid ";
        awaitLog(spawned, 60);
        Matcher pid = Pattern.compile(spawned + "(\\d+)").matcher(logText());
        assertTrue(pid.find(), tail());
        long child = Long.parseLong(pid.group(1));
        pids.add(child);
        return child;
    }

    static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid)) && !state(pid).contains("zombie");
    }

    /** Waits until {@code pid} has exited and been reaped: no process, not even a zombie, is left. */
    void awaitGone(long pid, int seconds) throws Exception {
        await(() -> !Files.exists(Path.of("/proc/" + pid)), seconds, "pid " + pid + " to be gone: " + state(pid));
    }

    static String state(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("State:")).findFirst().orElse("?");
        } catch (IOException e) {
            return "gone";
        }
    }

    /** A port free on 127.0.0.1 now, for a listener a test names in advance. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** One GET on a fresh connection that asks to be closed. */
    String get(String path) throws IOException {
        return RawHttp.get(port, path, 30_000);
    }

    /**
     * {@link #get} on a thread of its own: the answer, or the error's text when the connection broke. Not on the
     * common pool, where requests an earlier test left waiting could hold every thread and delay the connect.
     */
    java.util.concurrent.CompletableFuture<String> getAsync(String path) {
        java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
        Thread client = new Thread(() -> {
            try {
                answer.complete(get(path));
            } catch (IOException | RuntimeException e) {
                answer.complete(e.toString());
            }
        }, "GET " + path);
        client.setDaemon(true);
        client.start();
        return answer;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    long logCount(String text) throws IOException {
        return logText().lines().filter(line -> line.contains(text)).count();
    }

    void awaitLog(String text, int seconds) throws Exception {
        await(() -> {
            try {
                return logText().contains(text);
            } catch (IOException e) {
                return false;
            }
        }, seconds, "log line '" + text + "'");
    }

    String tail() {
        try {
            List<String> lines = logText().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    void await(BooleanSupplier condition, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what + "\n--- log tail:\n" + tail());
            }
            Thread.sleep(20);
        }
    }

    /** Stops every generation this deployment saw, politely first; nothing outlives the test. */
    @Override
    public void close() throws Exception {
        for (long pid : pids) {
            if (Files.exists(Path.of("/proc/" + pid))) {
                signal(pid, "TERM");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (long pid : pids) {
            while (Files.exists(Path.of("/proc/" + pid)) && !state(pid).contains("zombie") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (first != null) {
            first.waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
