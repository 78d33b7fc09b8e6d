package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CORS over raw sockets, the requests a browser makes (Fetch standard §3.2 and §4.8): preflights from allowed and
 * other origins, actual requests with and without credentials, errors, and the caching headers around them.
 */
class CorsTest {

    private static final String APP = "https://app.example";
    private Baton app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private void start(Consumer<Baton> setup) {
        app = Baton.create(BatonHttpTest.testConfig());
        setup.accept(app);
        app.start();
    }

    private void startApi() {
        // tag::cors[]
        start(app -> app
                .cors(cors -> cors.allowOrigin("https://app.example", "http://localhost:5173")
                        .allowCredentials()
                        .allowHeaders("X-Token", "Content-Type")
                        .exposeHeaders("X-Request-Id")
                        .maxAge(Duration.ofMinutes(10)))
                .before(ctx -> {
                    if (!"OPTIONS".equals(ctx.method()) && ctx.path().startsWith("/api") && ctx.header("X-Token") == null) {
                        throw new HttpException(401, "Unauthorized");
                    }
                })
                .get("/api/items", ctx -> ctx.header("X-Request-Id", "r1").json(List.of("a")))
                .post("/api/items", ctx -> ctx.status(201))
                .delete("/api/items/{id}", ctx -> ctx.status(204)));
        // end::cors[]
    }

    private RawHttp.Response request(String method, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (method.equals("POST")) {
            head.append("Content-Length: 0\r\n");
        }
        try (RawHttp http = new RawHttp(app.port())) {
            http.send(head.append("\r\n").toString());
            return http.read("HEAD".equals(method));
        }
    }

    private static List<String> all(RawHttp.Response response, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return response.headers().stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                .flatMap(h -> List.of(h.substring(prefix.length()).split(",")).stream()).map(String::trim).toList();
    }

    @Test
    void preflightFromAnAllowedOriginGetsTheRoutesMethods() throws IOException {
        startApi();
        RawHttp.Response preflight = request("OPTIONS", "/api/items", "Origin: " + APP,
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: x-token, content-type");
        assertEquals(204, preflight.status(), "answered before the auth filter: a preflight has no credentials");
        assertEquals(APP, preflight.header("Access-Control-Allow-Origin"));
        assertEquals("true", preflight.header("Access-Control-Allow-Credentials"));
        assertEquals("GET, HEAD, OPTIONS, POST", preflight.header("Access-Control-Allow-Methods"));
        assertEquals("X-Token, Content-Type", preflight.header("Access-Control-Allow-Headers"));
        assertEquals("600", preflight.header("Access-Control-Max-Age"));
        assertTrue(all(preflight, "Vary").containsAll(List.of("Origin", "Access-Control-Request-Method",
                "Access-Control-Request-Headers")), preflight.headers().toString());
        assertEquals("", preflight.body());

        RawHttp.Response withParam = request("OPTIONS", "/api/items/7", "Origin: http://localhost:5173",
                "Access-Control-Request-Method: DELETE");
        assertEquals(204, withParam.status());
        assertEquals("http://localhost:5173", withParam.header("Access-Control-Allow-Origin"));
        assertEquals("DELETE, OPTIONS", withParam.header("Access-Control-Allow-Methods"));
    }

    @Test
    void otherOriginsGetNoCorsHeaders() throws IOException {
        startApi();
        for (String origin : List.of("https://evil.example", "https://app.example.evil.example", "http://app.example",
                "https://app.example:8443", "null", "https://APP.example.", "https://app.example/")) {
            RawHttp.Response preflight = request("OPTIONS", "/api/items", "Origin: " + origin,
                    "Access-Control-Request-Method: POST");
            assertNull(preflight.header("Access-Control-Allow-Origin"), origin);
            assertNull(preflight.header("Access-Control-Allow-Methods"), origin);
            assertNull(preflight.header("Access-Control-Allow-Credentials"), origin);
            RawHttp.Response actual = request("GET", "/api/items", "Origin: " + origin, "X-Token: t");
            assertEquals(200, actual.status(), "the server answers; the browser keeps it from the page");
            assertNull(actual.header("Access-Control-Allow-Origin"), origin);
            assertTrue(all(actual, "Vary").contains("Origin"), "so that no cache serves it to an allowed origin");
        }
    }

    @Test
    void actualRequestsEchoTheOriginNeverAStar() throws IOException {
        startApi();
        RawHttp.Response get = request("GET", "/api/items", "Origin: " + APP, "X-Token: t", "Cookie: session=1");
        assertEquals(200, get.status());
        assertEquals(APP, get.header("Access-Control-Allow-Origin"));
        assertEquals("true", get.header("Access-Control-Allow-Credentials"));
        assertEquals("X-Request-Id", get.header("Access-Control-Expose-Headers"));
        assertTrue(all(get, "Vary").contains("Origin"));
        assertNull(get.header("Access-Control-Allow-Methods"), "preflight headers are for preflights");

        RawHttp.Response post = request("POST", "/api/items", "Origin: " + APP, "X-Token: t");
        assertEquals(201, post.status());
        assertEquals(APP, post.header("Access-Control-Allow-Origin"));

        // Errors too: a page must be able to read why its request failed.
        RawHttp.Response refused = request("GET", "/api/items", "Origin: " + APP);
        assertEquals(401, refused.status());
        assertEquals(APP, refused.header("Access-Control-Allow-Origin"));
        RawHttp.Response missing = request("GET", "/api/nothing", "Origin: " + APP, "X-Token: t");
        assertEquals(404, missing.status());
        assertEquals(APP, missing.header("Access-Control-Allow-Origin"));

        RawHttp.Response sameOrigin = request("GET", "/api/items", "X-Token: t");
        assertNull(sameOrigin.header("Access-Control-Allow-Origin"));
        assertTrue(all(sameOrigin, "Vary").contains("Origin"));
    }

    @Test
    void optionsWithoutCorsAndPreflightsOfUnknownPathsAreLeftToTheRouter() throws IOException {
        startApi();
        RawHttp.Response plain = request("OPTIONS", "/api/items");
        assertEquals(204, plain.status());
        assertEquals("GET, HEAD, OPTIONS, POST", plain.header("Allow"));
        assertNull(plain.header("Access-Control-Allow-Methods"));
        RawHttp.Response unknown = request("OPTIONS", "/nowhere", "Origin: " + APP, "Access-Control-Request-Method: GET");
        assertEquals(404, unknown.status());
        assertNull(unknown.header("Access-Control-Allow-Methods"));
    }

    @Test
    void staticFilesGetTheHeadersToo() throws IOException {
        // Fonts and module scripts are fetched in CORS mode: without the header the browser refuses them.
        start(app -> app.cors(cors -> cors.allowOrigin(APP)).staticFiles("/assets", "public"));
        RawHttp.Response script = request("GET", "/assets/mod.mjs", "Origin: " + APP);
        assertEquals(200, script.status());
        assertEquals(APP, script.header("Access-Control-Allow-Origin"));
        assertTrue(all(script, "Vary").contains("Origin"));
        RawHttp.Response revalidated = request("GET", "/assets/mod.mjs", "Origin: " + APP, "If-None-Match: " + script.header("ETag"));
        assertEquals(304, revalidated.status());
        assertEquals(APP, revalidated.header("Access-Control-Allow-Origin"));
        assertNull(request("GET", "/assets/mod.mjs", "Origin: https://evil.example").header("Access-Control-Allow-Origin"));
    }

    @Test
    void aPreflightForAStaticFileIsAnsweredWithWhatFilesAllow() throws IOException {
        // A fetch with a custom header (or a font with credentials) asks first; a 404 there fails the real request.
        start(app -> app.cors(cors -> cors.allowOrigin(APP).allowHeaders("X-Token")).staticFiles("/assets", "public"));
        RawHttp.Response preflight = request("OPTIONS", "/assets/data.json", "Origin: " + APP,
                "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: x-token");
        assertEquals(204, preflight.status());
        assertEquals(APP, preflight.header("Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD, OPTIONS", preflight.header("Access-Control-Allow-Methods"));
        assertEquals("X-Token", preflight.header("Access-Control-Allow-Headers"));
        RawHttp.Response outside = request("OPTIONS", "/elsewhere.json", "Origin: " + APP, "Access-Control-Request-Method: GET");
        assertEquals(404, outside.status(), "no folder there: left to the router, as an unknown route is");
    }

    @Test
    void anyOriginIsAStarWithoutVaryAndWithoutCredentials() throws IOException {
        start(app -> app.cors(cors -> cors.allowAnyOrigin()).get("/public", ctx -> ctx.text("hi")));
        RawHttp.Response get = request("GET", "/public", "Origin: https://anyone.example");
        assertEquals("*", get.header("Access-Control-Allow-Origin"));
        assertNull(get.header("Access-Control-Allow-Credentials"));
        assertFalse(all(get, "Vary").contains("Origin"));
        RawHttp.Response preflight = request("OPTIONS", "/public", "Origin: https://anyone.example",
                "Access-Control-Request-Method: GET");
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD, OPTIONS", preflight.header("Access-Control-Allow-Methods"));
        assertNull(preflight.header("Access-Control-Max-Age"));
    }

    @Test
    void configurationsTheStandardForbidsFailAtRegistration() {
        Baton baton = Baton.create(BatonHttpTest.testConfig());
        IllegalStateException star = assertThrows(IllegalStateException.class,
                () -> baton.cors(c -> c.allowAnyOrigin().allowCredentials()));
        assertTrue(star.getMessage().contains("allowOrigin"), star.getMessage());
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin("*")));
        assertThrows(IllegalStateException.class, () -> baton.cors(c -> c.allowCredentials()));
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin("https://app.example/")));
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin("app.example")));
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin("https://a.example, https://b.example")));
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin(APP).allowHeaders("X Token")));
        assertThrows(IllegalArgumentException.class, () -> baton.cors(c -> c.allowOrigin(APP).maxAge(Duration.ofSeconds(-1))));
    }
}
