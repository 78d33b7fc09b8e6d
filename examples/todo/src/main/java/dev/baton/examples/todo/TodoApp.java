package dev.baton.examples.todo;

import dev.baton.Baton;
import java.sql.Connection;

/**
 * Starts the todo API: {@code java -jar todo.jar}. On {@code SIGUSR2} the next generation runs this same
 * {@code main}, brings the schema up to date, and only then takes the socket over.
 */
public final class TodoApp {

    private TodoApp() {}

    // tag::main[]
    public static void main(String[] args) throws Exception {
        TodoComponent todo = DaggerTodoComponent.create();
        // Before start(): a new generation that cannot reach its database must fail here, so that the one
        // serving now keeps serving, rather than take over and fail every request.
        todo.database().start();
        Baton app = todo.app();
        // tag::readiness[]
        // GET /baton/health/ready answers 503 while the database does not: a load balancer stops sending here
        app.readiness("database", () -> {
            try (Connection connection = todo.database().connect()) {
                return connection.isValid(1);
            }
        });
        // end::readiness[]
        // The hot read paths, compiled before real traffic arrives; a 5xx here keeps the old generation serving.
        app.warmUp("/todos", "/todos/1").start();
    }
    // end::main[]
}
