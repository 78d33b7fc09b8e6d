package dev.baton.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The todo jar's start-up: where its database is, and what a bad todo.jdbcUrl does. */
class TodoJarIT {

    private static final String JAR = Path.of(System.getProperty("example.jar", "target/todo.jar")).toAbsolutePath().toString();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    @Test
    void theEnvironmentVariableNamesTheDatabase() throws Exception {
        Path db = dir.resolve("data").resolve("todos.sqlite");
        Files.createDirectories(db.getParent());
        Path log = dir.resolve("out.log");
        ProcessBuilder builder = new ProcessBuilder(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0", "-jar", JAR)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TODO_JDBC_URL", "jdbc:sqlite:" + db);
        Process todo = builder.start();
        try {
            Matcher listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ").matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listening.reset(Files.readString(log)).find()) {
                if (!todo.isAlive() || System.nanoTime() > deadline) {
                    fail("no listening line: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
            URI uri = URI.create("http://127.0.0.1:" + listening.group(1) + "/todos");
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString()).body();
            assertEquals("[]", body);
            URI ready = URI.create("http://127.0.0.1:" + listening.group(1) + "/baton/health/ready");
            HttpResponse<String> probe = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(), BodyHandlers.ofString());
            assertEquals(200, probe.statusCode(), probe.body());
            assertTrue(probe.body().contains("\"database\":\"ok\""), probe.body());
            assertTrue(Files.exists(db), "the database is where TODO_JDBC_URL says");
            assertTrue(Files.notExists(dir.resolve("todo.db")), "not the default");
            assertTrue(Files.readString(log).contains("jdbc:sqlite:" + db + ": schema version 1 (migrated from 0)"),
                    Files.readString(log));
            todo.destroy(); // SIGTERM
            assertTrue(todo.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, todo.exitValue(), Files.readString(log));
        } finally {
            todo.destroyForcibly();
            todo.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnsupportedUrlStopsStartUpWithOneLine() throws Exception {
        List<String> output = failedStart(Map.of("todo.jdbcUrl", "jdbc:mysql://localhost/todo"));
        assertTrue(output.get(0).contains("todo.jdbcUrl: 'jdbc:mysql://localhost/todo' is not supported; expected"
                + " jdbc:sqlite:<file> or jdbc:postgresql://<host>[:<port>]/<database>"), output.get(0));
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithOneLine() throws Exception {
        List<String> output = failedStart(Map.of("todo.jdbcUrl", "jdbc:sqlite:" + dir.resolve("no/such/dir/todo.db")));
        assertTrue(output.get(0).contains("todo.jdbcUrl: cannot connect to 'jdbc:sqlite:" + dir.resolve("no/such/dir/todo.db")
                + "': "), output.get(0));
    }

    private List<String> failedStart(Map<String, String> properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Dbaton.host=127.0.0.1", "-Dbaton.port=0"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR));
        Process todo = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            assertTrue(todo.waitFor(20, TimeUnit.SECONDS), "exits");
            List<String> output = new String(todo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(1, todo.exitValue(), String.join("\n", output));
            assertEquals(1, output.size(), String.join("\n", output));
            return output;
        } finally {
            todo.destroyForcibly();
        }
    }
}
