package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testing.BatonTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Baton's own error answers as JSON problem details, and the request logger. */
class ErrorAnswersTest {

    private static void assertProblem(int status, String body, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(body, response.body());
    }

    @Test
    void jsonErrorsAnswerEveryErrorOfBatonsInJson() throws Exception {
        // tag::json-errors[]
        BatonTest.run(app -> app.jsonErrors()
                .get("/boom", ctx -> { throw new IllegalStateException("secret"); })
                .get("/taken", ctx -> { throw new HttpException(409, "already there"); })
                .post("/upload", ctx -> ctx.text("got it")), client -> {
            assertProblem(404, "{\"status\":404,\"title\":\"Not Found\"}", client.get("/nothing"));
            assertProblem(405, "{\"status\":405,\"title\":\"Method Not Allowed\"}", client.delete("/boom"));
            assertProblem(500, "{\"status\":500,\"title\":\"Internal Server Error\"}", client.get("/boom"));
            assertProblem(409, "{\"status\":409,\"title\":\"Conflict\",\"detail\":\"already there\"}", client.get("/taken"));
            HttpResponse<String> large = client.post("/upload", "x".repeat(11 * 1024 * 1024), Map.of());
            assertProblem(413, "{\"status\":413,\"title\":\"Request Entity Too Large\","
                    + "\"detail\":\"request body is larger than 10485760 bytes\"}", large);
        });
        // end::json-errors[]
    }

    @Test
    void withoutJsonErrorsTheyStayTextButValidationIsJson() throws Exception {
        BatonTest.run(app -> app.get("/n", ctx -> ctx.text("" + ctx.queryParamAsClass("n", Integer.class).get())),
                client -> {
            HttpResponse<String> missing = client.get("/nothing");
            assertEquals("Not Found", missing.body());
            assertEquals("text/plain; charset=utf-8", missing.headers().firstValue("Content-Type").orElseThrow());
            assertProblem(400, "{\"status\":400,\"title\":\"Bad Request\",\"errors\":{\"n\":[\"is required\"]}}",
                    client.get("/n"));
        });
    }

    @Test
    void theRequestLoggerHearsOfEachRequestOnceItsStatusIsKnown() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        BatonTest.run(app -> app
                // tag::request-logger[]
                .requestLogger((ctx, ms) -> lines.add(ctx.method() + " " + ctx.path() + " " + ctx.status()
                        + (ms >= 0 ? "" : " before it began")))
                // end::request-logger[]
                .get("/", ctx -> ctx.text("hi"))
                .get("/slow", ctx -> ctx.stream(new java.io.ByteArrayInputStream(new byte[100_000])))
                .get("/boom", ctx -> { throw new IllegalStateException("boom"); }), client -> {
            client.get("/");
            client.get("/slow");
            client.get("/boom");
            client.get("/nothing");
            client.post("/", "x".repeat(11 * 1024 * 1024), Map.of());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (lines.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5); // completion is told after the client may have its answer
            }
        });
        assertEquals(List.of("GET / 200", "GET /slow 200", "GET /boom 500", "GET /nothing 404", "POST / 413"), lines);
        Baton app = Baton.create(BatonTest.config()).requestLogger((ctx, ms) -> {});
        assertThrows(IllegalStateException.class, () -> app.requestLogger((ctx, ms) -> {}));
    }

    @Test
    void aFailingRequestLoggerDoesNotHurtTheRequest() throws Exception {
        BatonTest.run(app -> app.requestLogger((ctx, ms) -> { throw new IllegalStateException("logger bug"); })
                .get("/", ctx -> ctx.text("hi")), client -> {
            assertEquals("hi", client.get("/").body());
            assertEquals("hi", client.get("/").body());
        });
    }
}
