package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Baton's routing and request/response contract, over real HTTP on 127.0.0.1. */
class BatonHttpTest {

    record Item(String name, int quantity) {}

    static class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private Baton app;

    static BatonConfig testConfig() {
        return BatonConfig.defaults().with("host", "127.0.0.1").with("port", "0").with("signals", "false")
                .with("drainTimeout", "2s");
    }

    private void start(Consumer<Baton> routes) {
        start(testConfig(), routes);
    }

    private void start(BatonConfig config, Consumer<Baton> routes) {
        app = Baton.create(config);
        routes.accept(app);
        app.start();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, publisher).build();
        return client.send(request, BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    @Test
    void answersTextHtmlAndJson() throws Exception {
        start(app -> app.get("/", ctx -> ctx.text("hello"))
                .get("/page", ctx -> ctx.html("<p>hi</p>"))
                .get("/item", ctx -> ctx.json(new Item("pen", 3))));
        HttpResponse<String> text = get("/");
        assertEquals(200, text.statusCode());
        assertEquals("hello", text.body());
        assertEquals("text/plain; charset=utf-8", text.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/html; charset=utf-8", get("/page").headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> json = get("/item");
        assertEquals("{\"name\":\"pen\",\"quantity\":3}", json.body());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void everyMethodRoutes() throws Exception {
        start(app -> {
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
                app.route(method, "/m", ctx -> ctx.text(ctx.method()));
            }
            app.head("/h", ctx -> ctx.header("X-Head", "yes"));
        });
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            assertEquals(method, send(method, "/m", null).body());
        }
        HttpResponse<String> head = send("HEAD", "/h", null);
        assertEquals(200, head.statusCode());
        assertEquals("yes", head.headers().firstValue("X-Head").orElseThrow());
    }

    @Test
    void pathParamsWildcardsAndPrecedence() throws Exception {
        // tag::patterns[]
        start(app -> app.get("/users/me", ctx -> ctx.text("me"))
                .get("/users/{id}", ctx -> ctx.text("user " + ctx.pathParam("id")))
                .get("/users/{id}/posts/{post}", ctx -> ctx.text(ctx.pathParam("id") + "/" + ctx.pathParam("post")))
                .get("/files/{*rest}", ctx -> ctx.text("file " + ctx.pathParam("rest")))
                .get("/files/readme", ctx -> ctx.text("readme")));
        assertEquals("me", get("/users/me").body());
        assertEquals("user 42", get("/users/42").body());
        assertEquals("user 42", get("/users/42/").body());
        assertEquals("7/9", get("/users/7/posts/9").body());
        assertEquals("file a/b/c.txt", get("/files/a/b/c.txt").body());
        assertEquals("readme", get("/files/readme").body());
        assertEquals("user a b", get("/users/a%20b").body());
        // end::patterns[]
    }

    @Test
    void notFoundMethodNotAllowedHeadAndOptions() throws Exception {
        // tag::not-found[]
        start(app -> app.get("/thing", ctx -> ctx.text("thing body")).post("/thing", ctx -> ctx.status(201)));
        assertEquals(404, get("/nothing").statusCode());
        HttpResponse<String> wrong = send("DELETE", "/thing", null);
        assertEquals(405, wrong.statusCode());
        assertEquals("GET, HEAD, OPTIONS, POST", wrong.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> head = send("HEAD", "/thing", null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("10", head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<String> options = send("OPTIONS", "/thing", null);
        assertEquals(204, options.statusCode());
        assertEquals("GET, HEAD, OPTIONS, POST", options.headers().firstValue("Allow").orElseThrow());
        assertEquals(201, send("POST", "/thing", "").statusCode());
        // end::not-found[]
    }

    @Test
    void groupsUnderAPathPrefix() throws Exception {
        // tag::groups[]
        start(app -> app.path("/api", api -> api.get("/", ctx -> ctx.text("root"))
                .post("/items", ctx -> ctx.status(201).json(ctx.bodyAs(Item.class)))
                .path("/v2", v2 -> v2.get("/ping", ctx -> ctx.text("pong")))));
        assertEquals("root", get("/api").body());
        HttpResponse<String> created = send("POST", "/api/items", "{\"name\":\"cup\",\"quantity\":2}");
        assertEquals(201, created.statusCode());
        assertEquals("{\"name\":\"cup\",\"quantity\":2}", created.body());
        assertEquals("pong", get("/api/v2/ping").body());
        // end::groups[]
    }

    @Test
    void duplicateRoutesFailNamingBoth() {
        // tag::duplicate[]
        Baton app = Baton.create(testConfig()).get("/users/{id}", ctx -> {});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> app.get("/users/{uid}", ctx -> {}));
        assertTrue(e.getMessage().contains("/users/{id}") && e.getMessage().contains("/users/{uid}"), e.getMessage());
        // end::duplicate[]
    }

    @Test
    void readsRequestParts() throws Exception {
        // tag::request[]
        start(app -> app.post("/echo/{id}", ctx -> ctx.json(Map.of(
                "method", ctx.method(), "path", ctx.path(), "id", ctx.pathParam("id"),
                "q", ctx.queryParam("q"), "qs", ctx.queryParams("tag"), "header", ctx.header("X-Test"),
                "cookie", ctx.cookie("session"), "body", ctx.body()))));
        // end::request[]
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/echo/5?q=x%20y&tag=a&tag=b"))
                .header("X-Test", "t").header("Cookie", "session=abc").POST(BodyPublishers.ofString("héllo")).build();
        String body = client.send(request, BodyHandlers.ofString()).body();
        for (String expected : List.of("\"method\":\"POST\"", "\"path\":\"/echo/5\"", "\"id\":\"5\"", "\"q\":\"x y\"",
                "\"qs\":[\"a\",\"b\"]", "\"header\":\"t\"", "\"cookie\":\"abc\"", "\"body\":\"héllo\"")) {
            assertTrue(body.contains(expected), expected + " in " + body);
        }
    }

    @Test
    void writesStatusHeadersCookiesRedirectsBytesAndStreams() throws Exception {
        // tag::response[]
        start(app -> app.get("/r", ctx -> ctx.redirect("/target"))
                .get("/bytes", ctx -> ctx.header("X-A", "1").cookie("k", "v").bytes(new byte[] {1, 2, 3}))
                .get("/stream", ctx -> ctx.contentType("text/csv").stream(new ByteArrayInputStream("a,b\n".getBytes(StandardCharsets.UTF_8))))
                .get("/stream-body", ctx -> ctx.text(new String(ctx.bodyStream().readAllBytes(), StandardCharsets.UTF_8))));
        // end::response[]
        HttpResponse<String> redirect = get("/r");
        assertEquals(302, redirect.statusCode());
        assertEquals("/target", redirect.headers().firstValue("Location").orElseThrow());
        HttpResponse<byte[]> bytes = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/bytes")).build(),
                BodyHandlers.ofByteArray());
        assertEquals(3, bytes.body().length);
        assertEquals("1", bytes.headers().firstValue("X-A").orElseThrow());
        assertTrue(bytes.headers().firstValue("Set-Cookie").orElseThrow().startsWith("k=v"));
        HttpResponse<String> stream = get("/stream");
        assertEquals("a,b\n", stream.body());
        assertEquals("text/csv", stream.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void filtersRunAroundEveryRequest() throws Exception {
        List<String> seen = new ArrayList<>();
        // tag::filters[]
        start(app -> app.before(ctx -> seen.add("before " + ctx.path()))
                .after(ctx -> ctx.header("X-After", "done"))
                .get("/", ctx -> ctx.text("ok")));
        // end::filters[]
        HttpResponse<String> ok = get("/");
        assertEquals("done", ok.headers().firstValue("X-After").orElseThrow());
        assertEquals("done", get("/missing").headers().firstValue("X-After").orElseThrow());
        assertEquals(List.of("before /", "before /missing"), seen);
    }

    @Test
    void mapsExceptionsAndHidesInternals() throws Exception {
        // tag::exceptions[]
        start(app -> app.get("/missing", ctx -> { throw new NotFoundException("no such thing"); })
                .get("/boom", ctx -> { throw new IllegalStateException("secret internal detail"); })
                .get("/http", ctx -> { throw new HttpException(409, "already there"); })
                .exception(NotFoundException.class, (e, ctx) -> ctx.status(404).text(e.getMessage())));
        // end::exceptions[]
        HttpResponse<String> missing = get("/missing");
        assertEquals(404, missing.statusCode());
        assertEquals("no such thing", missing.body());
        HttpResponse<String> boom = get("/boom");
        assertEquals(500, boom.statusCode());
        assertEquals("Internal Server Error", boom.body());
        assertFalse(boom.body().contains("secret"));
        HttpResponse<String> http = get("/http");
        assertEquals(409, http.statusCode());
        assertEquals("already there", http.body());
    }

    @Test
    void malformedJsonIs400WithAShortReason() throws Exception {
        start(app -> app.post("/items", ctx -> ctx.json(ctx.bodyAs(Item.class))));
        HttpResponse<String> broken = send("POST", "/items", "{\"name\": ");
        assertEquals(400, broken.statusCode());
        assertTrue(broken.body().startsWith("{\"status\":400,\"title\":\"Bad Request\",\"errors\":{\"body\":[\"malformed JSON: "),
                broken.body());
        assertTrue(broken.body().length() < 300, broken.body());
        assertFalse(broken.body().contains("com.fasterxml"), broken.body());
        HttpResponse<String> wrongType = send("POST", "/items", "{\"name\":\"x\",\"quantity\":\"many\"}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().contains("\"errors\":{\"quantity\":[\"must be an integer\"]}"), wrongType.body());
        assertFalse(wrongType.body().contains("dev.baton"), wrongType.body());
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        // tag::body-limit[]
        start(testConfig().with("maxBodySize", "1KB"), app -> app.post("/upload", ctx -> ctx.text("got " + ctx.bodyBytes().length)));
        // end::body-limit[]
        assertEquals("got 1024", send("POST", "/upload", "x".repeat(1024)).body());
        assertEquals(413, send("POST", "/upload", "x".repeat(1025)).statusCode());
        // chunked: no Content-Length to refuse up front, so the limit is found while reading
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/upload"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))).build();
        assertEquals(413, client.send(chunked, BodyHandlers.ofString()).statusCode());
        assertEquals("got 10", send("POST", "/upload", "0123456789").body());
    }

    @Test
    void malformedHttpIs400AndOversizedHeadersAreRefused() throws Exception {
        start(app -> app.get("/", ctx -> ctx.text("ok")));
        assertTrue(rawRequest("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400"));
        // Undertow's own limit (1 MB of headers) stays on
        String huge = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1_100_000) + "\r\n\r\n";
        String answer = rawRequest(huge);
        assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), answer);
        assertEquals("ok", get("/").body());
    }

    private String rawRequest(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedWhileWriting) {
                return "";
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64];
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException reset) {
                return "";
            }
            return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void nonBlockingHandlersRunOnTheIoThread() throws Exception {
        // tag::non-blocking[]
        start(app -> app.get("/io", Handler.nonBlocking(ctx -> ctx.text(Thread.currentThread().getName())))
                .get("/worker", ctx -> ctx.text(Thread.currentThread().getName())));
        // end::non-blocking[]
        assertTrue(get("/io").body().contains("I/O"), get("/io").body());
        // XNIO's worker pool names its threads "...task-N"; virtual threads (baton.virtualThreads, on by default from
        // JDK 24) are "baton-handler-N"
        String worker = get("/worker").body();
        assertTrue(worker.contains("task") || worker.startsWith("baton-handler-"), worker);
    }

    @Test
    void servesManyConcurrentRequests() throws Exception {
        start(app -> app.get("/slow/{n}", ctx -> {
            Thread.sleep(50);
            ctx.text(ctx.pathParam("n"));
        }));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/slow/" + i)).build(),
                    BodyHandlers.ofString()));
        }
        for (int i = 0; i < 64; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertEquals(200, response.statusCode());
            assertEquals(Integer.toString(i), response.body());
        }
    }

    @Test
    void portZeroPicksAFreePortReadableAfterStart() {
        start(app -> app.get("/", ctx -> ctx.text("x")));
        assertTrue(app.port() > 0);
        assertEquals(1, app.generation());
        assertThrows(IllegalStateException.class, () -> app.get("/late", ctx -> {}));
    }
}
