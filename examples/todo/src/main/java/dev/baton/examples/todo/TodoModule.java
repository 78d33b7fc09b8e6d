package dev.baton.examples.todo;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.baton.inject.RouteGroup;
import javax.inject.Singleton;

/**
 * What this app adds to Baton's parts: the database (from {@code todo.jdbcUrl}) and the routes. A test passes
 * its own database with {@code builder().todoModule(new TodoModule("jdbc:sqlite:/tmp/.../todo.db"))}.
 */
// tag::module[]
@Module(includes = TodoModule.Bindings.class)
public final class TodoModule {

    /** Used when neither {@code -Dtodo.jdbcUrl} nor {@code TODO_JDBC_URL} is set: a file in the working directory. */
    public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:todo.db";

    private final String jdbcUrl;

    /** The database named by {@code -Dtodo.jdbcUrl}, else {@code TODO_JDBC_URL}, else {@link #DEFAULT_JDBC_URL}. */
    public TodoModule() {
        this(jdbcUrlSetting());
    }

    public TodoModule(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    // An app setting of our own, read the way Baton reads its settings, but outside baton.*: Baton rejects
    // baton.* names it does not know.
    static String jdbcUrlSetting() {
        String url = System.getProperty("todo.jdbcUrl");
        if (url == null) {
            url = System.getenv("TODO_JDBC_URL");
        }
        return url != null ? url : DEFAULT_JDBC_URL;
    }

    @Provides
    @Singleton
    Database database() {
        return new Database(jdbcUrl);
    }

    /** {@code @Binds} methods are abstract, so they live apart from the instance that holds the URL. */
    @Module
    interface Bindings {
        @Binds
        @IntoSet
        RouteGroup todoRoutes(TodoRoutes routes);
    }
}
// end::module[]
