package dev.baton.examples.todo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;

/**
 * The todos table, over plain JDBC. Every write is one auto-committed statement, so no lock is held across
 * statements (or across a request); {@code RETURNING} hands back the row as stored in that same statement
 * (SQLite 3.35+ and PostgreSQL both have it; the SQLite driver no longer implements getGeneratedKeys).
 */
public final class TodoRepository {

    private static final String COLUMNS = "id, title, done, created";

    private final Database database;

    @Inject
    TodoRepository(Database database) {
        this.database = database;
    }

    public List<Todo> all() throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM todos ORDER BY id");
             ResultSet rows = select.executeQuery()) {
            List<Todo> todos = new ArrayList<>();
            while (rows.next()) {
                todos.add(todo(rows));
            }
            return todos;
        }
    }

    public Optional<Todo> find(long id) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM todos WHERE id = ?")) {
            select.setLong(1, id);
            return one(select);
        }
    }

    public Todo create(String title, boolean done) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO todos (title, done, created) VALUES (?, ?, ?) RETURNING " + COLUMNS)) {
            insert.setString(1, title);
            insert.setBoolean(2, done);
            // Stored in milliseconds: what is read back must equal what was answered.
            insert.setLong(3, Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli());
            return one(insert).orElseThrow();
        }
    }

    /** Replaces title and done (id and created stay); empty when there is no such todo. */
    public Optional<Todo> replace(long id, String title, boolean done) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE todos SET title = ?, done = ? WHERE id = ? RETURNING " + COLUMNS)) {
            update.setString(1, title);
            update.setBoolean(2, done);
            update.setLong(3, id);
            return one(update);
        }
    }

    /** Whether there was such a todo. */
    public boolean delete(long id) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM todos WHERE id = ?")) {
            delete.setLong(1, id);
            return delete.executeUpdate() > 0;
        }
    }

    private static Optional<Todo> one(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(todo(rows)) : Optional.empty();
        }
    }

    private static Todo todo(ResultSet row) throws SQLException {
        return new Todo(row.getLong("id"), row.getString("title"), row.getBoolean("done"),
                Instant.ofEpochMilli(row.getLong("created")));
    }
}
