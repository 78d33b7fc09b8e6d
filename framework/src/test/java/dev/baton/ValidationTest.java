package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testing.BatonTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of parameters and bodies, and the one JSON 400 body that names each field. */
class ValidationTest {

    record Item(String name, int qty, Double price, List<String> tags) {}

    enum Sort { NAME, PRICE }

    private static void assertProblem(String errors, HttpResponse<String> response) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"status\":400,\"title\":\"Bad Request\",\"errors\":" + errors + "}", response.body());
    }

    @Test
    void queryAndPathParamsAreReadAsTypesAndChecked() throws Exception {
        BatonTest.run(app -> app
                // tag::params[]
                .get("/items", ctx -> {
                    int limit = ctx.queryParamAsClass("limit", Integer.class)
                            .check(n -> n > 0, "must be positive").check(n -> n <= 100, "must be at most 100")
                            .getOrDefault(10);
                    Sort sort = ctx.queryParamAsClass("sort", Sort.class).getOrDefault(Sort.NAME);
                    ctx.text(limit + " by " + sort);
                })
                .get("/items/{id}", ctx -> ctx.text("item " + ctx.pathParamAsClass("id", Long.class).get()))
                // end::params[]
                .get("/flag", ctx -> ctx.text("flag " + ctx.queryParamAsClass("on", Boolean.class).get())), client -> {
            assertEquals("10 by NAME", client.get("/items").body());
            assertEquals("25 by PRICE", client.get("/items?limit=25&sort=PRICE").body());
            assertEquals("item 42", client.get("/items/42").body());
            assertProblem("{\"limit\":[\"must be an integer\"]}", client.get("/items?limit=1965.7"));
            assertProblem("{\"limit\":[\"must be an integer\"]}", client.get("/items?limit="));
            assertProblem("{\"limit\":[\"must be positive\"]}", client.get("/items?limit=0"));
            assertProblem("{\"sort\":[\"must be one of NAME, PRICE\"]}", client.get("/items?sort=price"));
            assertProblem("{\"id\":[\"must be an integer\"]}", client.get("/items/abc"));
            assertProblem("{\"id\":[\"must be an integer\"]}", client.get("/items/99999999999999999999"));
            assertEquals("flag true", client.get("/flag?on=true").body());
            assertProblem("{\"on\":[\"must be true or false\"]}", client.get("/flag?on=yes"));
            assertProblem("{\"on\":[\"is required\"]}", client.get("/flag"));
        });
    }

    @Test
    void aTypeNoParameterCanBeIsTheAppsMistake() throws Exception {
        BatonTest.run(app -> app.get("/", ctx -> ctx.queryParamAsClass("x", Thread.class)), client ->
                assertEquals(500, client.get("/?x=1").statusCode()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamTypes.checked(Map.class));
        assertTrue(e.getMessage().startsWith("a parameter cannot be read as java.util.Map"), e.getMessage());
    }

    @Test
    void bodyChecksReportEveryFieldThatFailed() throws Exception {
        BatonTest.run(app -> app
                // tag::body[]
                .post("/items", ctx -> {
                    Item item = ctx.bodyValidator(Item.class)
                            .check("qty", i -> i.qty() > 0, "must be positive")
                            .check("name", i -> i.name() != null && !i.name().isBlank(), "is required")
                            .check(i -> i.price() == null || i.price() * i.qty() < 10_000, "costs too much")
                            .get();
                    ctx.status(201).json(item);
                }),
                // end::body[]
                client -> {
            assertEquals(201, client.post("/items", "{\"name\":\"pen\",\"qty\":2}").statusCode());
            assertProblem("{\"qty\":[\"must be positive\"],\"name\":[\"is required\"]}",
                    client.post("/items", "{\"qty\":0}"));
            assertProblem("{\"body\":[\"costs too much\"]}", client.post("/items", "{\"name\":\"gold\",\"qty\":2,\"price\":9999}"));
        });
    }

    @Test
    void jsonThatDoesNotFitTheTypeNamesTheField() throws Exception {
        BatonTest.run(app -> app.post("/items", ctx -> ctx.json(ctx.bodyAs(Item.class))), client -> {
            // Jackson alone would take each of these, changed: 1965, 5, "5", 0 for the missing qty, the last qty
            assertProblem("{\"qty\":[\"must be an integer\"]}", client.post("/items", "{\"name\":\"a\",\"qty\":1965.7}"));
            assertProblem("{\"qty\":[\"must be an integer\"]}", client.post("/items", "{\"name\":\"a\",\"qty\":\"5\"}"));
            assertProblem("{\"name\":[\"must be a string\"]}", client.post("/items", "{\"name\":5,\"qty\":1}"));
            assertProblem("{\"qty\":[\"is required\"]}", client.post("/items", "{\"name\":\"a\"}"));
            assertProblem("{\"qty\":[\"is required\"]}", client.post("/items", "{\"name\":\"a\",\"qty\":null}"));
            assertProblem("{\"tags[1]\":[\"must be a string\"]}", client.post("/items", "{\"qty\":1,\"tags\":[\"a\",{}]}"));
            assertProblem("{\"price\":[\"must be a number\"]}", client.post("/items", "{\"qty\":1,\"price\":\"cheap\"}"));
            HttpResponse<String> twice = client.post("/items", "{\"qty\":1,\"qty\":2}");
            assertEquals(400, twice.statusCode());
            assertTrue(twice.body().contains("{\"body\":[\"malformed JSON: Duplicate field 'qty'"), twice.body());
            HttpResponse<String> trailing = client.post("/items", "{\"qty\":1} {}");
            assertEquals(400, trailing.statusCode());
            assertTrue(trailing.body().contains("{\"body\":[\"malformed JSON: "), trailing.body());
            // unknown fields are ignored; a missing field that may be null is null
            assertEquals("{\"name\":null,\"qty\":3,\"price\":null,\"tags\":null}",
                    client.post("/items", "{\"qty\":3,\"colour\":\"red\"}").body());
        });
    }

    @Test
    void anAppMayAnswerValidationErrorsItsOwnWay() throws Exception {
        BatonTest.run(app -> app.post("/items", ctx -> ctx.json(ctx.bodyAs(Item.class)))
                .exception(ValidationException.class, (e, ctx) -> ctx.status(422).json(Map.of("invalid", e.errors().keySet()))),
                client -> {
            HttpResponse<String> response = client.post("/items", "{\"qty\":1.5}");
            assertEquals(422, response.statusCode());
            assertEquals("{\"invalid\":[\"qty\"]}", response.body());
        });
        assertEquals("qty: must be positive; malformed JSON: x",
                new ValidationException(new java.util.LinkedHashMap<>(Map.of("qty", List.of("must be positive"))) {{
                    put("body", List.of("malformed JSON: x"));
                }}).getMessage());
    }
}
