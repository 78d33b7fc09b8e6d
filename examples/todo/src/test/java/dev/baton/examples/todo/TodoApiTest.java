package dev.baton.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.inject.BatonModule;
import dev.baton.json.JacksonJsonMapper;
import dev.baton.json.JsonMapper;
import dev.baton.testing.BatonTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over HTTP, wired as TodoApp wires it (Dagger), on a database of its own. */
class TodoApiTest {

    @TempDir
    Path dir;

    private final JsonMapper json = new JacksonJsonMapper();

    /** The database under test: a fresh SQLite file. */
    String jdbcUrl() {
        return "jdbc:sqlite:" + dir.resolve("todo.db");
    }

    // tag::run[]
    /** Starts the app on a free port of 127.0.0.1, runs {@code body} against it, stops it. */
    private void run(BatonTest.Body body) throws Exception {
        TodoComponent todo = DaggerTodoComponent.builder()
                .batonModule(new BatonModule(BatonTest.config()))
                .todoModule(new TodoModule(jdbcUrl()))
                .build();
        try (Database database = todo.database()) {
            database.start();
            BatonTest.run(todo.app(), body);
        }
    }
    // end::run[]

    @Test
    // tag::create[]
    void createsListsAndGets() throws Exception {
        run(client -> {
            assertEquals("[]", client.get("/todos").body());

            HttpResponse<String> created = client.post("/todos", "{\"title\":\"  buy milk \"}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("application/json", created.headers().firstValue("Content-Type").orElseThrow());
            Todo milk = todo(created);
            assertEquals("buy milk", milk.title(), "stored without the spaces around it");
            assertEquals(false, milk.done());
            assertEquals("/todos/" + milk.id(), created.headers().firstValue("Location").orElseThrow());
            Todo bread = todo(client.post("/todos", "{\"title\":\"bake bread\",\"done\":true}"));
            assertTrue(bread.done());
            assertTrue(bread.id() > milk.id());

            assertEquals(milk, todo(client.get("/todos/" + milk.id())));
            assertEquals(List.of(milk, bread), List.of(json.read(bytes(client.get("/todos")), Todo[].class)));
            assertTrue(created.body().contains("\"created\":\"" + milk.created() + "\""),
                    "created is ISO-8601 text: " + created.body());
        });
    }
    // end::create[]

    @Test
    void replacesTitleAndDoneKeepingIdAndCreated() throws Exception {
        run(client -> {
            Todo milk = todo(client.post("/todos", "{\"title\":\"buy milk\"}"));

            HttpResponse<String> replaced = client.put("/todos/" + milk.id(), "{\"title\":\"buy oat milk\",\"done\":true}");
            assertEquals(200, replaced.statusCode(), replaced.body());
            Todo expected = new Todo(milk.id(), "buy oat milk", true, milk.created());
            assertEquals(expected, todo(replaced));
            assertEquals(expected, todo(client.get("/todos/" + milk.id())));
        });
    }

    @Test
    void deletes() throws Exception {
        run(client -> {
            Todo milk = todo(client.post("/todos", "{\"title\":\"buy milk\"}"));
            Todo bread = todo(client.post("/todos", "{\"title\":\"bake bread\"}"));

            HttpResponse<String> deleted = client.delete("/todos/" + milk.id());
            assertEquals(204, deleted.statusCode(), deleted.body());
            assertEquals("", deleted.body());
            assertEquals(404, client.get("/todos/" + milk.id()).statusCode());
            assertEquals(404, client.delete("/todos/" + milk.id()).statusCode(), "already gone");
            assertEquals(List.of(bread), List.of(json.read(bytes(client.get("/todos")), Todo[].class)));
        });
    }

    @Test
    void invalidInputIs400NamingEveryBadField() throws Exception {
        run(client -> {
            assertEquals(Map.of("title", "is required"), errors(client.post("/todos", "{}")));
            assertEquals(Map.of("title", "must not be blank"), errors(client.post("/todos", "{\"title\":\" \\t \"}")));
            assertEquals(Map.of("title", "must be at most 200 characters"),
                    errors(client.post("/todos", "{\"title\":\"" + "x".repeat(201) + "\"}")));
            // 200 characters is fine, even when some of them take two UTF-16 units (or four UTF-8 bytes)
            String longest = "\uD83E\uDD5B".repeat(100) + "x".repeat(100);
            assertEquals(longest, todo(client.post("/todos", "{\"title\":\"" + longest + "\"}")).title());

            Todo milk = todo(client.post("/todos", "{\"title\":\"buy milk\"}"));
            // PUT replaces the whole todo, so done is required too; both problems are reported at once
            assertEquals(Map.of("title", "must not be blank", "done", "is required (true or false)"),
                    errors(client.put("/todos/" + milk.id(), "{\"title\":\"\"}")));
            assertEquals(milk, todo(client.get("/todos/" + milk.id())), "nothing changed");
            assertEquals(2, json.read(bytes(client.get("/todos")), Todo[].class).length, "nothing invalid stored");
        });
    }

    @Test
    void unknownIdsAre404WithAJsonError() throws Exception {
        run(client -> {
            assertEquals(Map.of("error", "no todo 42"), error(404, client.get("/todos/42")));
            assertEquals(Map.of("error", "no todo 42"), error(404, client.put("/todos/42", "{\"title\":\"x\",\"done\":false}")));
            assertEquals(Map.of("error", "no todo 42"), error(404, client.delete("/todos/42")));
            assertEquals(Map.of("error", "no todo milk"), error(404, client.get("/todos/milk")));
            assertEquals(Map.of("error", "no todo 99999999999999999999"), error(404, client.get("/todos/99999999999999999999")));
            // Baton's own errors come as JSON too
            assertEquals(Map.of("error", "Not Found"), error(404, client.get("/nothing/here")));
            assertEquals(Map.of("error", "Method Not Allowed"), error(405, client.patch("/todos/42", "{}")));
        });
    }

    @Test
    void malformedJsonIs400() throws Exception {
        run(client -> {
            for (String body : List.of("{\"title\":", "not json", "", "[\"buy milk\"]")) {
                Map<?, ?> error = error(400, client.post("/todos", body));
                assertTrue(String.valueOf(error.get("error")).startsWith("malformed JSON"), body + " -> " + error);
            }
            // JSON of the wrong type names the field
            assertEquals(Map.of("error", "done: must be true or false"),
                    error(400, client.post("/todos", "{\"title\":\"x\",\"done\":\"maybe\"}")));
            assertEquals("[]", client.get("/todos").body());
        });
    }

    @Test
    void todosOutliveTheProcessThatWroteThem() throws Exception {
        long[] id = new long[1];
        run(client -> id[0] = todo(client.post("/todos", "{\"title\":\"buy milk\"}")).id());
        run(client -> assertEquals("buy milk", todo(client.get("/todos/" + id[0])).title()));
    }

    private Todo todo(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 || response.statusCode() == 201, response.statusCode() + " " + response.body());
        return json.read(bytes(response), Todo.class);
    }

    private Map<?, ?> errors(HttpResponse<String> response) {
        return (Map<?, ?>) error(400, response).get("errors");
    }

    private Map<?, ?> error(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        return json.read(bytes(response), Map.class);
    }

    private static byte[] bytes(HttpResponse<String> response) {
        return response.body().getBytes(StandardCharsets.UTF_8);
    }
}
