package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files from the classpath ({@code src/test/resources/public}) and from a directory, over raw sockets: caching
 * headers and 304s, ranges, content types, no listing, no way out of the root, the SPA fallback, and how files sit
 * with routes and filters.
 */
class StaticFilesTest {

    private Baton app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private Baton start(java.util.function.Consumer<Baton> setup) {
        app = Baton.create(BatonHttpTest.testConfig());
        setup.accept(app);
        return app.start();
    }

    private RawHttp.Response request(String method, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        try (RawHttp http = new RawHttp(app.port())) {
            http.send(head.append("\r\n").toString());
            return http.read("HEAD".equals(method));
        }
    }

    private RawHttp.Response get(String target, String... headers) throws IOException {
        return request("GET", target, headers);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(StaticFilesTest.class.getResourceAsStream("/public/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesClasspathFilesWithTheirTypesAndValidators() throws IOException {
        // tag::classpath[]
        start(app -> app.staticFiles("/", "public", files -> files.cacheControl("max-age=3600")));
        // end::classpath[]
        RawHttp.Response index = get("/");
        assertEquals(200, index.status());
        assertEquals(resource("index.html"), index.body());
        assertEquals("text/html; charset=utf-8", index.header("Content-Type"));
        assertEquals("max-age=3600", index.header("Cache-Control"));
        assertNotNull(index.header("ETag"), index.headers().toString());
        assertNotNull(index.header("Last-Modified"));
        assertEquals(resource("index.html"), get("/index.html").body());

        List<String[]> types = List.of(new String[] {"/app.js", "text/javascript; charset=utf-8"},
                new String[] {"/mod.mjs", "text/javascript; charset=utf-8"}, new String[] {"/style.css", "text/css; charset=utf-8"},
                new String[] {"/data.json", "application/json"}, new String[] {"/logo.svg", "image/svg+xml"},
                new String[] {"/tiny.webp", "image/webp"}, new String[] {"/code.wasm", "application/wasm"},
                new String[] {"/big.txt", "text/plain; charset=utf-8"}, new String[] {"/blob.bin", "application/octet-stream"});
        for (String[] type : types) {
            RawHttp.Response file = get(type[0]);
            assertEquals(200, file.status(), type[0]);
            assertEquals(type[1], file.header("Content-Type"), type[0]);
        }
        assertEquals(resource("sub/index.html"), get("/sub").body(), "a directory answers with its index.html");
    }

    @Test
    void revalidationAnswers304WithoutABody() throws IOException {
        start(app -> app.staticFiles("/", "public", files -> files.cacheControl("max-age=60")));
        RawHttp.Response first = get("/app.js");
        String etag = first.header("ETag");
        String lastModified = first.header("Last-Modified");

        RawHttp.Response byTag = get("/app.js", "If-None-Match: " + etag);
        assertEquals(304, byTag.status());
        assertEquals(etag, byTag.header("ETag"));
        assertEquals("max-age=60", byTag.header("Cache-Control"), "a 304 carries the caching headers too");
        assertEquals(304, get("/app.js", "If-None-Match: \"other\", " + etag).status());
        assertEquals(200, get("/app.js", "If-None-Match: \"other\"").status());
        RawHttp.Response any = get("/app.js", "If-None-Match: *");
        assertEquals(304, any.status(), "* matches the file that is there (RFC 9110 §13.1.2)");
        assertEquals(etag, any.header("ETag"));
        assertEquals("", any.body());
        assertEquals(404, get("/missing.js", "If-None-Match: *").status());

        assertEquals(304, get("/app.js", "If-Modified-Since: " + lastModified).status());
        assertEquals(200, get("/app.js", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT").status());
        assertEquals(304, request("HEAD", "/app.js", "If-None-Match: " + etag).status());
        assertEquals(412, get("/app.js", "If-Match: \"other\"").status());
    }

    @Test
    void rangesSingleSuffixAndUnsatisfiable() throws IOException {
        start(app -> app.staticFiles("/", "public"));
        String big = resource("big.txt");
        int size = big.length();

        RawHttp.Response first = get("/big.txt", "Range: bytes=0-9");
        assertEquals(206, first.status());
        assertEquals("bytes 0-9/" + size, first.header("Content-Range"));
        assertEquals(big.substring(0, 10), first.body());

        RawHttp.Response middle = get("/big.txt", "Range: bytes=100-149");
        assertEquals(206, middle.status());
        assertEquals(big.substring(100, 150), middle.body());

        RawHttp.Response suffix = get("/big.txt", "Range: bytes=-20");
        assertEquals(206, suffix.status());
        assertEquals("bytes " + (size - 20) + "-" + (size - 1) + "/" + size, suffix.header("Content-Range"));
        assertEquals(big.substring(size - 20), suffix.body());

        RawHttp.Response open = get("/big.txt", "Range: bytes=5400-");
        assertEquals(big.substring(5400), open.body());

        RawHttp.Response unsatisfiable = get("/big.txt", "Range: bytes=" + size + "-" + (size + 100));
        assertEquals(416, unsatisfiable.status());
        assertEquals("bytes */" + size, unsatisfiable.header("Content-Range"));

        RawHttp.Response whole = get("/big.txt");
        assertEquals("bytes", whole.header("Accept-Ranges"));
        assertEquals(big, whole.body());
        // If-Range with an old validator: the whole file, not a piece of a newer one.
        assertEquals(200, get("/big.txt", "Range: bytes=0-9", "If-Range: \"stale\"").status());
        assertEquals(206, get("/big.txt", "Range: bytes=0-9", "If-Range: " + whole.header("ETag")).status());
    }

    @Test
    void headHasTheHeadersAndNoBody() throws IOException {
        start(app -> app.staticFiles("/", "public"));
        RawHttp.Response head = request("HEAD", "/big.txt");
        assertEquals(200, head.status());
        assertEquals(String.valueOf(resource("big.txt").length()), head.header("Content-Length"));
        assertEquals("", head.body());
    }

    @Test
    void noDirectoryListingAndOtherMethodsAreTold405AsNginxDoes() throws IOException {
        start(app -> app.staticFiles("/", "public"));
        // A directory without index.html is a 404, as if it were not there: a 403 would confirm it exists.
        assertEquals(404, get("/nolist").status());
        assertEquals(404, get("/nolist/").status());
        assertFalse(get("/nolist").body().contains("a.txt"));
        assertEquals(200, get("/nolist/a.txt").status());
        RawHttp.Response post = request("POST", "/app.js", "Content-Length: 0");
        assertEquals(405, post.status(), "the file is there, the method is not: 405 (RFC 9110 §15.5.6), with what is allowed");
        assertEquals("GET, HEAD, OPTIONS", post.header("Allow"));
        assertEquals(405, request("DELETE", "/app.js").status());
        RawHttp.Response options = request("OPTIONS", "/app.js");
        assertEquals(204, options.status());
        assertEquals("GET, HEAD, OPTIONS", options.header("Allow"));
        assertEquals(404, request("POST", "/missing.js", "Content-Length: 0").status());
        assertEquals(404, request("OPTIONS", "/missing.js").status());
        assertEquals(404, request("DELETE", "/nolist").status(), "a directory without index.html is not there for any method");
        assertEquals(404, get("/missing.js").status());
    }

    /** Targets that try to leave the folder; with the canonical path rules each is a 400, or a 404 inside it. */
    static final List<String> ESCAPES = List.of("/..%2f", "/%2e%2e/", "/..\\", "/..%2f..%2fetc/passwd", "/..%2fsecret.txt", "/%2e%2e/secret.txt",
            "/%2e%2e/%2e%2e/etc/passwd", "/..\\secret.txt", "/..%5csecret.txt", "/app.js%00", "/app.js%00.html",
            "/%00", "/../secret.txt", "/../../etc/passwd", "/x/../../secret.txt", "/../../dev/baton/Baton.class",
            "/dev/baton/Baton.class", "/META-INF/MANIFEST.MF", "/simplelogger.properties", "/public/index.html",
            "/%2fetc/passwd", "//etc/passwd", "/etc/passwd", "/%c0%ae%c0%ae/secret.txt", "/.%2e/secret.txt",
            "/..;/secret.txt", "/%252e%252e/secret.txt", "http://127.0.0.1/../secret.txt", "/link/secret.txt",
            "/link", "/outside.txt", "/file:/etc/passwd", "/C:/Windows/win.ini", "/~root/.bashrc");

    @Test
    void nothingOutsideTheClasspathFolderLeaks() throws IOException {
        start(app -> app.staticFiles("/", "public"));
        for (String target : ESCAPES) {
            RawHttp.Response response = get(target);
            assertTrue(response.status() == 400 || response.status() == 404, target + " got " + response);
            assertFalse(response.body().contains("Manifest-Version") || response.body().contains("root:")
                    || response.body().contains("secret data") || response.body().contains("CAFEBABE"), target);
        }
    }

    @Test
    void nothingOutsideTheDirectoryLeaksAndSymlinksOutAreNotFollowed(@TempDir Path temp) throws IOException {
        Path root = Files.createDirectories(temp.resolve("www"));
        Path outside = Files.writeString(temp.resolve("secret.txt"), "secret data");
        Files.writeString(root.resolve("hello.txt"), "hello");
        Files.createSymbolicLink(root.resolve("outside.txt"), outside);
        Files.createSymbolicLink(root.resolve("link"), temp);
        start(app -> app.staticFiles("/", root));
        assertEquals("hello", get("/hello.txt").body());
        for (String target : ESCAPES) {
            RawHttp.Response response = get(target);
            assertTrue(response.status() == 400 || response.status() == 404, target + " got " + response);
            assertFalse(response.body().contains("secret data") || response.body().contains("root:"), target);
        }
    }

    @Test
    void symlinksAreFollowedWhenAsked(@TempDir Path temp) throws IOException {
        Path root = Files.createDirectories(temp.resolve("www"));
        Files.createSymbolicLink(root.resolve("shared.txt"), Files.writeString(temp.resolve("shared.txt"), "shared"));
        // tag::directory[]
        start(app -> app.staticFiles("/assets", root, files -> files.followSymlinks()));
        // end::directory[]
        assertEquals("shared", get("/assets/shared.txt").body());
        assertEquals(404, get("/shared.txt").status());
    }

    @Test
    void spaFallbackAnswersNavigationsOnly() throws IOException {
        // tag::spa[]
        start(app -> app
                .get("/api/items", ctx -> ctx.json(List.of("a", "b")))
                .staticFiles("/", "public", files -> files.spaFallback("/index.html")));
        // end::spa[]
        String navigation = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        RawHttp.Response route = get("/settings/profile", navigation);
        assertEquals(200, route.status());
        assertEquals(resource("index.html"), route.body());
        assertEquals("text/html; charset=utf-8", route.header("Content-Type"));
        assertEquals(404, get("/settings/profile", "Accept: application/json").status());
        assertEquals(404, get("/missing.js", "Accept: */*").status());
        assertEquals(404, get("/settings/profile").status());
        assertEquals(404, request("HEAD", "/settings/profile", navigation).status());
        assertEquals("[\"a\",\"b\"]", get("/api/items", navigation).body(), "a route wins over the fallback");
        assertEquals(resource("app.js"), get("/app.js", navigation).body());
    }

    @Test
    void routesWinOverFiles() throws IOException {
        start(app -> app
                .get("/app.js", ctx -> ctx.text("from the route"))
                .post("/data.json", ctx -> ctx.text("posted"))
                .staticFiles("/", "public"));
        assertEquals("from the route", get("/app.js").body());
        // A path with a route belongs to the app: a GET the route does not take is its 405, not the file.
        RawHttp.Response notAllowed = get("/data.json");
        assertEquals(405, notAllowed.status());
        assertEquals("OPTIONS, POST", notAllowed.header("Allow"));
        assertEquals(200, get("/style.css").status());
    }

    @Test
    void filtersGuardFilesAndAddTheirHeaders() throws IOException {
        // tag::filters[]
        start(app -> app
                .before(ctx -> {
                    if (ctx.path().startsWith("/private/") && !"let-me-in".equals(ctx.header("X-Token"))) {
                        throw new HttpException(401, "Unauthorized");
                    }
                })
                .after(ctx -> ctx.header("X-Content-Type-Options", "nosniff"))
                .staticFiles("/", "public"));
        // end::filters[]
        RawHttp.Response refused = get("/private/secret.txt");
        assertEquals(401, refused.status());
        assertEquals("Unauthorized", refused.body());
        RawHttp.Response allowed = get("/private/secret.txt", "X-Token: let-me-in");
        assertEquals(200, allowed.status());
        assertEquals(resource("private/secret.txt"), allowed.body());
        assertEquals("nosniff", allowed.header("X-Content-Type-Options"));
        assertEquals("nosniff", get("/missing").header("X-Content-Type-Options"), "the 404 of a miss too");
        assertEquals(304, get("/app.js", "If-None-Match: " + get("/app.js").header("ETag")).status());
    }

    @Test
    void aMissIsTheAppsOwn404() throws IOException {
        start(app -> app
                .exception(HttpException.class, (e, ctx) -> ctx.status(e.status()).json(java.util.Map.of("error", e.getMessage())))
                .staticFiles("/assets", "public"));
        RawHttp.Response miss = get("/assets/nope.css");
        assertEquals(404, miss.status());
        assertEquals("{\"error\":\"Not Found\"}", miss.body());
        assertEquals(404, get("/app.js").status(), "outside the prefix");
        assertEquals(404, get("/assetsapp.js").status());
        assertEquals(resource("app.js"), get("/assets/app.js").body());
        assertEquals(resource("index.html"), get("/assets").body());
    }

    @Test
    void aSlowDownloadHoldsNoHandlerThread(@TempDir Path temp) throws Exception {
        Path root = Files.createDirectories(temp.resolve("www"));
        byte[] big = new byte[32 << 20]; // far more than the socket buffers on both sides hold
        java.util.Arrays.fill(big, (byte) 'x');
        Files.write(root.resolve("big.bin"), big);
        // One handler thread: were it writing the file, the route below would wait for the download to end.
        app = Baton.create(BatonHttpTest.testConfig().with("workerThreads", "1").with("virtualThreads", "false"))
                .get("/hello", ctx -> ctx.text("hello"))
                .staticFiles("/", root);
        app.start();
        try (RawHttp stalled = new RawHttp(app.port()); RawHttp second = new RawHttp(app.port())) {
            stalled.send("GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); // and never read
            Thread.sleep(500);
            for (int i = 0; i < 3; i++) {
                second.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertEquals("hello", second.read(false).body());
                second.send("GET /app.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertEquals(404, second.read(false).status());
            }
        }
    }

    @Test
    void filesAreCountedByFolderNotByFile() throws Exception {
        start(app -> app.staticFiles("/assets", "public"));
        assertEquals(200, get("/assets/app.js").status());
        assertEquals(200, get("/assets/style.css").status());
        long deadline = System.nanoTime() + 5_000_000_000L; // counted when the exchange completes, after the answer
        String scrape = get("/baton/metrics").body();
        while (!scrape.contains("status=\"200\",uri=\"/assets/**\"") && System.nanoTime() < deadline) {
            scrape = get("/baton/metrics").body();
        }
        assertTrue(scrape.contains("status=\"200\",uri=\"/assets/**\""), scrape);
        assertFalse(scrape.contains("uri=\"/assets/app.js\""), scrape);
    }

    @Test
    void badFoldersAndPrefixesFailAtRegistration(@TempDir Path temp) {
        Baton baton = Baton.create(BatonHttpTest.testConfig());
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/", ""));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/", "/"));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/", "../x"));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("assets", "public"));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/assets/", "public"));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/", "public", f -> f.spaFallback("index.html")));
        assertThrows(IllegalArgumentException.class, () -> baton.staticFiles("/", "public", f -> f.cacheControl("a\r\nb: c")));
        Baton missing = Baton.create(BatonHttpTest.testConfig()).staticFiles("/", temp.resolve("nowhere"));
        IllegalStateException e = assertThrows(IllegalStateException.class, missing::start);
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }
}
