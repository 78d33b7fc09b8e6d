package dev.baton.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.json.JacksonJsonMapper;
import dev.baton.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The todo jar upgraded as in production: {@code java -jar todo.jar}, {@code kill -USR2 <pid>}, and the new
 * generation serves what the old one stored; while both run, both write to the same SQLite file.
 */
class TodoUpgradeIT {

    private static final Path JAR = Path.of(System.getProperty("example.jar", "target/todo.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Pattern LISTENING = Pattern.compile("gen=1 pid=\\d+ listening on 127\\.0\\.0\\.1:(\\d+) ");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = new JacksonJsonMapper();

    @TempDir
    Path dir;

    private Path log;
    private int port;

    @Test
    void theNewGenerationServesWhatTheOldOneStored() throws Exception {
        Files.copy(JAR, dir.resolve("todo.jar"));
        log = dir.resolve("out.log");
        Path pidFile = dir.resolve("todo.pid");
        // Working directory = dir: the database is dir/todo.db, as a user running the jar there gets.
        Process first = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0",
                "-Dbaton.pidFile=" + pidFile, "-jar", "todo.jar")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Set<Long> pids = new LinkedHashSet<>(List.of(first.pid()));
        AtomicBoolean upgraded = new AtomicBoolean();
        try {
            await(() -> LISTENING.matcher(logText()).find(), 30, "gen 1 listening");
            Matcher listening = LISTENING.matcher(logText());
            assertTrue(listening.find());
            port = Integer.parseInt(listening.group(1));
            await(() -> pid(pidFile) == first.pid(), 30, "gen 1 in the pid file");
            assertTrue(logText().contains("schema version 1 (migrated from 0)"), logText());

            List<Todo> before = new ArrayList<>();
            for (String title : List.of("buy milk", "bake bread", "call mum")) {
                before.add(create(title));
            }
            assertEquals(before, list());

            // Writes go on during the upgrade: some reach the old generation, some the new one, some while
            // both have the database open.
            CompletableFuture<List<Todo>> during = CompletableFuture.supplyAsync(() -> {
                List<Todo> written = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                for (int i = 0; !upgraded.get() && i < 5_000 && System.nanoTime() < deadline; i++) {
                    written.add(create("during the upgrade " + i));
                }
                return written;
            });

            signal(first.pid(), "USR2");
            await(() -> pid(pidFile) > 0 && pid(pidFile) != first.pid(), 60, "gen 2 in the pid file");
            long second = pid(pidFile);
            pids.add(second);
            assertTrue(first.waitFor(40, TimeUnit.SECONDS), "gen 1 drains and exits\n" + logText());
            assertEquals(0, first.exitValue(), logText());
            upgraded.set(true);
            List<Todo> written = during.get(30, TimeUnit.SECONDS);
            assertFalse(written.isEmpty(), "the client wrote while the upgrade ran");
            assertTrue(logText().contains("gen=2 pid=" + second + " listening on 127.0.0.1:" + port + " (inherited"), logText());
            assertTrue(logText().contains("schema version 1, up to date"), logText());

            // Only gen 2 is left to answer.
            List<Todo> expected = new ArrayList<>(before);
            expected.addAll(written);
            assertEquals(expected, list(), written.size() + " written during the upgrade");
            Todo after = create("water plants");
            assertTrue(after.id() > expected.get(expected.size() - 1).id());
            assertEquals(before.get(0), get(before.get(0).id()));
        } finally {
            upgraded.set(true);
            stop(first, pids);
        }
    }

    private Todo create(String title) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/todos")).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"title\":\"" + title + "\"}")));
        assertEquals(201, response.statusCode(), response.body());
        return json.read(response.body().getBytes(StandardCharsets.UTF_8), Todo.class);
    }

    private Todo get(long id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/todos/" + id)));
        assertEquals(200, response.statusCode(), response.body());
        return json.read(response.body().getBytes(StandardCharsets.UTF_8), Todo.class);
    }

    private List<Todo> list() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/todos")));
        assertEquals(200, response.statusCode(), response.body());
        return List.of(json.read(response.body().getBytes(StandardCharsets.UTF_8), Todo[].class));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.build() + " failed: " + e + "\n--- log:\n" + logText(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long pid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1; // not written yet
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -" + signal + " " + pid);
    }

    private void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what + "\n--- log:\n" + logText());
            }
            Thread.sleep(20);
        }
    }

    /** SIGTERM to every generation still running (each drains and exits), then SIGKILL to any that did not. */
    private static void stop(Process first, Set<Long> pids) throws Exception {
        for (long pid : pids) {
            if (!gone(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (long pid : pids) {
            while (!gone(pid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        first.waitFor(5, TimeUnit.SECONDS); // reap our own child
    }

    // Exited: no process, or a zombie (gen 2's parent, gen 1, is gone, and whoever adopted it may not reap it).
    private static boolean gone(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .anyMatch(line -> line.startsWith("State:") && line.contains("zombie"));
        } catch (IOException e) {
            return true;
        }
    }
}
