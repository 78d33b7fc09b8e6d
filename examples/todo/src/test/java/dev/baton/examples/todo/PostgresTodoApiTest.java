package dev.baton.examples.todo;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same API tests on PostgreSQL, when there is one to use:
 * {@code TODO_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/todo_test?user=...&password=... ./mvnw verify}.
 * Each test starts from an empty database: it drops this app's tables.
 */
@EnabledIfEnvironmentVariable(named = "TODO_TEST_POSTGRES_URL", matches = "jdbc:postgresql:.+")
class PostgresTodoApiTest extends TodoApiTest {

    @Override
    String jdbcUrl() {
        return System.getenv("TODO_TEST_POSTGRES_URL");
    }

    @BeforeEach
    void dropTables() throws Exception {
        try (Connection connection = new Database(jdbcUrl()).connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS todos");
            statement.execute("DROP TABLE IF EXISTS schema_version");
        }
    }
}
