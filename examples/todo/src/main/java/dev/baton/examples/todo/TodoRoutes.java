package dev.baton.examples.todo;

import dev.baton.Baton;
import dev.baton.Context;
import dev.baton.HttpException;
import dev.baton.inject.RouteGroup;
import java.util.Map;
import javax.inject.Inject;

/** The REST API: {@code /todos} and {@code /todos/{id}}, JSON in and out, errors included. */
// tag::inject[]
final class TodoRoutes implements RouteGroup {

    private final TodoRepository todos;

    @Inject
    TodoRoutes(TodoRepository todos) {
        this.todos = todos;
    }
// end::inject[]

    @Override
    public void addTo(Baton app) {
        // tag::read[]
        app.get("/todos", ctx -> ctx.json(todos.all()));

        app.get("/todos/{id}", ctx -> {
            long id = id(ctx);
            ctx.json(todos.find(id).orElseThrow(() -> notFound(id)));
        });
        // end::read[]

        // tag::create[]
        app.post("/todos", ctx -> {
            TodoInput input = valid(ctx.bodyAs(TodoInput.class), false);
            Todo todo = todos.create(input.cleanTitle(), Boolean.TRUE.equals(input.done()));
            ctx.status(201).header("Location", "/todos/" + todo.id()).json(todo);
        });
        // end::create[]

        app.put("/todos/{id}", ctx -> {
            long id = id(ctx);
            TodoInput input = valid(ctx.bodyAs(TodoInput.class), true);
            ctx.json(todos.replace(id, input.cleanTitle(), input.done()).orElseThrow(() -> notFound(id)));
        });

        app.delete("/todos/{id}", ctx -> {
            long id = id(ctx);
            if (!todos.delete(id)) {
                throw notFound(id);
            }
            ctx.status(204);
        });

        // tag::errors[]
        // A JSON API answers in JSON, errors too: Baton's own (404 for no route, 405, 413, malformed JSON) and ours.
        app.exception(HttpException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
        app.exception(InvalidTodoException.class, (e, ctx) -> ctx.status(400).json(Map.of("errors", e.errors())));
        // end::errors[]
    }

    // An id that is not a number names no todo: 404, as for any other unknown id.
    private static long id(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new HttpException(404, "no todo " + id);
        }
    }

    private static HttpException notFound(long id) {
        return new HttpException(404, "no todo " + id);
    }

    private static TodoInput valid(TodoInput input, boolean replacing) {
        Map<String, String> problems = input.problems(replacing);
        if (!problems.isEmpty()) {
            throw new InvalidTodoException(problems);
        }
        return input;
    }
}
