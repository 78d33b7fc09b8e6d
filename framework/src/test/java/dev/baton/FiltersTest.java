package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testing.BatonTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Filters scoped to a pattern, request attributes, and what decides the thread a handler runs on. */
class FiltersTest {

    record User(String name) {}

    @Test
    void aScopedFilterRunsForItsPathsOnly() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        BatonTest.run(app -> app
                // tag::scoped[]
                .before("/admin/*", ctx -> {
                    String token = ctx.header("Authorization");
                    if (!"Bearer secret".equals(token)) {
                        throw new HttpException(401, "who are you?");
                    }
                    ctx.attribute("user", new User("ada"));
                })
                .get("/admin/users", ctx -> {
                    User user = ctx.attribute("user");
                    ctx.text("hello " + user.name());
                })
                .after("/api/*", ctx -> ctx.header("Cache-Control", "no-store"))
                // end::scoped[]
                .before("/users/{id}", ctx -> seen.add("user " + ctx.pathParam("id") + " " + ctx.matchedPattern()))
                .get("/users/{id}", ctx -> ctx.text("user"))
                .get("/api/items", ctx -> ctx.text("items"))
                .get("/public", ctx -> ctx.text("public " + ctx.attribute("user"))), client -> {
            assertEquals(401, client.get("/admin/users").statusCode());
            assertEquals("hello ada", client.get("/admin/users", Map.of("Authorization", "Bearer secret")).body());
            // the guard covers /admin itself and unrouted paths under it: no way to learn what exists
            assertEquals(401, client.get("/admin").statusCode());
            assertEquals(401, client.get("/admin/nothing/here").statusCode());
            assertEquals("public null", client.get("/public").body());
            assertEquals("no-store", client.get("/api/items").headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(client.get("/public").headers().firstValue("Cache-Control").isEmpty());
            client.get("/users/7");
            assertEquals(List.of("user 7 /users/{id}"), seen, "a before-filter sees the route's path parameters");
        });
    }

    @Test
    void onlyTheFiltersOfAPathDecideWhetherItsHandlerLeavesTheIoThread() throws Exception {
        Handler thread = Handler.nonBlocking(ctx -> ctx.text(Thread.currentThread().getName()));
        BatonTest.run(app -> app.before("/admin/*", ctx -> Thread.sleep(1))
                .before(Handler.nonBlocking(ctx -> ctx.header("X-Seen", "yes")))
                .get("/io", thread).get("/admin/io", thread), client -> {
            assertTrue(client.get("/io").body().contains("I/O"), client.get("/io").body());
            assertEquals("yes", client.get("/io").headers().firstValue("X-Seen").orElseThrow());
            assertTrue(!client.get("/admin/io").body().contains("I/O"), "a blocking filter of the path sends it to a worker");
        });
    }

    @Test
    void attributesAreForOneRequest() throws Exception {
        BatonTest.run(app -> app.before(ctx -> ctx.attribute("n", ctx.queryParam("n")))
                .get("/", ctx -> {
                    Integer none = ctx.attribute("missing");
                    ctx.attribute("n", ctx.<String>attribute("n") + "!").text(ctx.attribute("n") + " " + none);
                }), client -> {
            assertEquals("1! null", client.get("/?n=1").body());
            assertEquals("2! null", client.get("/?n=2").body());
        });
    }

    @Test
    void aSecondExceptionHandlerForTheSameTypeIsRefusedAtRegistration() {
        Baton app = Baton.create(BatonTest.config()).exception(IllegalStateException.class, (e, ctx) -> ctx.status(409));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> app.exception(IllegalStateException.class, (x, ctx) -> ctx.status(500)));
        assertEquals("duplicate exception handler: java.lang.IllegalStateException has one already", e.getMessage());
        app.exception(RuntimeException.class, (x, ctx) -> ctx.status(500)); // a superclass is another type
        assertThrows(IllegalArgumentException.class, () -> app.before("admin", ctx -> {}), "a pattern as routes have them");
    }
}
