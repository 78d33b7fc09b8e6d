package dev.baton.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.ConfigException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database as two generations share it during an upgrade. Separate {@link Database} objects have separate
 * SQLite connections, which lock one another exactly as two processes' connections do.
 */
class DatabaseTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("todo.db");
    }

    @Test
    void migratesOnceAndThenFindsNothingToDo() throws Exception {
        try (Database first = new Database(url()); Database second = new Database(url())) {
            assertEquals(1, first.start());
            assertEquals(1, second.start());
            assertEquals(1, count(first, "schema_version"));
            assertEquals("wal", query(first, "PRAGMA journal_mode"), "WAL is set, and kept by the file");
        }
    }

    @Test
    void generationsStartingTogetherMigrateOnce() throws Exception {
        int generations = 6;
        List<Database> databases = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(generations);
        try {
            List<Callable<Integer>> starts = new ArrayList<>();
            for (int i = 0; i < generations; i++) {
                Database database = new Database(url());
                databases.add(database);
                starts.add(database::start);
            }
            for (Future<Integer> version : pool.invokeAll(starts, 60, TimeUnit.SECONDS)) {
                assertEquals(1, version.get(), "every start succeeds and sees the same version");
            }
            assertEquals(1, count(databases.get(0), "schema_version"));
            assertEquals(0, count(databases.get(0), "todos"));
        } finally {
            pool.shutdownNow();
            for (Database database : databases) {
                database.close();
            }
        }
    }

    @Test
    void twoGenerationsWriteAtOnceWithoutBusyErrors() throws Exception {
        int threadsEach = 4;
        int writesEach = 50;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsEach);
        try (Database old = new Database(url()); Database next = new Database(url())) {
            old.start();
            next.start();
            List<Callable<List<Long>>> writers = new ArrayList<>();
            for (Database database : List.of(old, next)) {
                TodoRepository todos = new TodoRepository(database);
                for (int t = 0; t < threadsEach; t++) {
                    writers.add(() -> {
                        List<Long> ids = new ArrayList<>();
                        for (int i = 0; i < writesEach; i++) {
                            Todo todo = todos.create("todo " + i, false);
                            ids.add(todo.id());
                            todos.replace(todo.id(), todo.title(), true).orElseThrow();
                            todos.find(todo.id()).orElseThrow();
                        }
                        return ids;
                    });
                }
            }
            Set<Long> ids = new HashSet<>();
            for (Future<List<Long>> written : pool.invokeAll(writers, 120, TimeUnit.SECONDS)) {
                ids.addAll(written.get());
            }
            int expected = 2 * threadsEach * writesEach;
            assertEquals(expected, ids.size(), "every id distinct");
            assertEquals(expected, new TodoRepository(next).all().stream().filter(Todo::done).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anOlderBuildRunsOnANewerSchema() throws Exception {
        try (Database database = new Database(url())) {
            database.start();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO schema_version (version, applied) VALUES (2, 0)");
            }
            assertEquals(2, database.start(), "a newer generation's additive step 2 does not stop this one");
        }
    }

    @Test
    void anUnsupportedUrlIsRejectedNamingTheSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> new Database("jdbc:mysql://db/todo?password=secret"));
        assertEquals("todo.jdbcUrl", e.key());
        assertEquals("todo.jdbcUrl: 'jdbc:mysql://db/todo?password=***' is not supported; expected jdbc:sqlite:<file>"
                + " or jdbc:postgresql://<host>[:<port>]/<database>", e.getMessage());
    }

    @Test
    void anUnreachableDatabaseStopsStartUpNamingTheSetting() throws Exception {
        try (Database sqlite = new Database("jdbc:sqlite:" + dir.resolve("no/such/dir/todo.db"))) {
            ConfigException e = assertThrows(ConfigException.class, sqlite::start);
            assertTrue(e.getMessage().startsWith("todo.jdbcUrl: cannot connect to 'jdbc:sqlite:"), e.getMessage());
        }
        // port 1 of the loopback: refused at once
        try (Database postgres = new Database("jdbc:postgresql://127.0.0.1:1/todo?user=todo&password=secret")) {
            ConfigException e = assertThrows(ConfigException.class, postgres::start);
            assertTrue(e.getMessage().startsWith("todo.jdbcUrl: cannot connect to"
                    + " 'jdbc:postgresql://127.0.0.1:1/todo?user=todo&password=***': "), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    private static long count(Database database, String table) throws Exception {
        return Long.parseLong(query(database, "SELECT COUNT(*) FROM " + table));
    }

    private static String query(Database database, String sql) throws Exception {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            assertTrue(row.next());
            return row.getString(1);
        }
    }
}
