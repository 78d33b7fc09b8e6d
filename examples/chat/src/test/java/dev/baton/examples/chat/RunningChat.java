package dev.baton.examples.chat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The chat jar run as users run it, in a directory of its own: started, upgraded with SIGUSR2, stopped. */
final class RunningChat implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("example.jar", "target/chat.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Pattern LISTENING = Pattern.compile("gen=1 pid=\\d+ listening on 127\\.0\\.0\\.1:(\\d+) ");

    final Path dir;
    final Path log;
    final Path pidFile;
    final int port;
    private final Process first;
    private final List<Long> pids = new ArrayList<>();

    RunningChat() throws Exception {
        dir = Files.createTempDirectory("chat-it-");
        log = dir.resolve("chat-app.log");
        pidFile = dir.resolve("chat.pid");
        Files.copy(JAR, dir.resolve("chat.jar"));
        // A short close spread: the test waits for every socket to move.
        first = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0", "-Dbaton.pidFile=" + pidFile,
                "-Dbaton.wsCloseSpread=1s", "-Dbaton.probation=1s", "-jar", "chat.jar").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        pids.add(first.pid());
        await(() -> pid() == first.pid(), "gen 1 to write its pid file");
        Matcher listening = LISTENING.matcher(Files.readString(log));
        assertTrue(listening.find(), Files.readString(log));
        port = Integer.parseInt(listening.group(1));
    }

    long pid() {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** SIGUSR2 to the serving generation; returns once the next one wrote its pid file, with its pid. */
    long upgrade() throws Exception {
        long before = pid();
        signal(before, "USR2");
        await(() -> pid() > 0 && pid() != before, "the next generation to write its pid file");
        pids.add(pid());
        return pid();
    }

    /** Waits up to 30 s for the generation {@code pid} to be gone. */
    void awaitGone(long pid) throws Exception {
        await(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true), "pid " + pid + " to exit");
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "\n" + logText());
            }
            Thread.sleep(20);
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (long pid : pids) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                signal(pid, "TERM");
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(handle -> {
                try {
                    handle.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    handle.destroyForcibly();
                }
            });
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
