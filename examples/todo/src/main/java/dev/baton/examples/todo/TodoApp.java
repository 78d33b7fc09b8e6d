package dev.baton.examples.todo;

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
        // The hot read paths, compiled before real traffic arrives; a 5xx here keeps the old generation serving.
        todo.app().warmUp("/todos", "/todos/1").start();
    }
    // end::main[]
}
