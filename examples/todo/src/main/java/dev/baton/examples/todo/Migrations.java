package dev.baton.examples.todo;

import dev.baton.examples.todo.Database.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema, as numbered steps: step N brings the database to version N. The table {@code schema_version} has
 * a row for each step applied.
 *
 * <p>Rules that keep upgrades zero-downtime: never change a step once it has run anywhere, add a new one; and
 * make each step additive (a new table, a new column with a default, an index), because the old generation keeps
 * serving on the new schema until it has drained. Remove or rename things in a later release, once no running
 * generation uses them.
 */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    // The key of the PostgreSQL advisory lock that lets one process at a time migrate: any constant ("Todo").
    private static final long POSTGRESQL_LOCK = 0x546f646fL;

    private Migrations() {}

    /** Step N is {@code steps(dialect).get(N - 1)}. */
    static List<String> steps(Dialect dialect) {
        return List.of(
                // 1: created is epoch milliseconds (BIGINT): the same type and values in SQLite, which has no
                // timestamp type, and PostgreSQL.
                "CREATE TABLE todos (id " + dialect.generatedId + ", title VARCHAR(200) NOT NULL,"
                        + " done BOOLEAN NOT NULL, created BIGINT NOT NULL)");
    }

    /**
     * Applies the steps the database has not seen yet, in one transaction: all of them or none. Two processes
     * may do this at the same moment (an upgrade's new generation starting while the old one serves, or two
     * first starts); the transaction holds a lock from before it reads the version until it commits, so the
     * second one waits, then finds nothing left to do.
     *
     * @return the schema version
     */
    static int migrate(Database database) throws SQLException {
        List<String> steps = steps(database.dialect());
        int from;
        int version;
        try (Connection connection = database.connect()) {
            // SQLite: BEGIN IMMEDIATE (see Database.sqliteProperties), the database's write lock.
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                if (database.dialect() == Dialect.POSTGRESQL) {
                    // PostgreSQL: a lock of our own, held until commit (two concurrent CREATE TABLE IF NOT
                    // EXISTS can otherwise both try to create it, and one fails).
                    statement.executeQuery("SELECT pg_advisory_xact_lock(" + POSTGRESQL_LOCK + ")").close();
                }
                statement.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version"
                        + " (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)");
                try (ResultSet row = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                    row.next();
                    from = row.getInt(1);
                }
                for (version = from; version < steps.size(); version++) {
                    statement.executeUpdate(steps.get(version));
                    try (PreparedStatement applied = connection.prepareStatement(
                            "INSERT INTO schema_version (version, applied) VALUES (?, ?)")) {
                        applied.setInt(1, version + 1);
                        applied.setLong(2, System.currentTimeMillis());
                        applied.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        log(database, from, version, steps.size());
        return version;
    }

    private static void log(Database database, int from, int version, int known) {
        if (version > known) {
            // A newer generation migrated further; its steps are additive, so this (older) build still works.
            LOG.info("{}: schema version {}, newer than this build's {}", database.describe(), version, known);
        } else if (from == version) {
            LOG.info("{}: schema version {}, up to date", database.describe(), version);
        } else {
            LOG.info("{}: schema version {} (migrated from {})", database.describe(), version, from);
        }
    }
}
