package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /baton/metrics} of one generation, in this JVM; counts carried across generations: see MetricsIT. */
class MetricsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private Baton app;

    private void start(BatonConfig config, Consumer<Baton> setUp) {
        app = Baton.create(config);
        setUp.accept(app);
        app.start();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                BodyHandlers.ofString());
    }

    /**
     * A scrape that shows {@code expected}, waiting up to 5 s for it: a request is counted once its exchange is
     * complete, which may come a moment after its client has read the answer.
     */
    private String scrapeShowing(String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = send("GET", "/baton/metrics").body();
        while (!text.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            text = send("GET", "/baton/metrics").body();
        }
        return text;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void requestsAreCountedByRoutePatternMethodAndStatus() throws Exception {
        start(BatonHttpTest.testConfig(), app -> app.get("/items/{id}", ctx -> ctx.text("item " + ctx.pathParam("id"))));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, send("GET", "/items/" + i).statusCode());
        }
        assertEquals(404, send("GET", "/nowhere/" + System.nanoTime()).statusCode());
        send("BREW", "/items/1"); // any token is a method: one tag value for all that HTTP does not define
        HttpResponse<String> metrics = send("GET", "/baton/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = scrapeShowing("uri=\"NOT_FOUND\"} 1");
        assertTrue(text.contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/items/{id}\"} 3"), text);
        assertTrue(text.contains("uri=\"NOT_FOUND\"} 1"), text);
        assertTrue(text.contains("method=\"other\""), text);
        assertFalse(text.contains("/nowhere/"), "paths never become tags");
        assertTrue(text.contains("baton_generation 1"), text);
        assertTrue(text.contains("baton_exchanges_active "), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(scrapeShowing("uri=\"/baton/metrics\"}").contains("uri=\"/baton/metrics\"}"), "the scrape itself, by its path");
    }

    @Test
    void theAppsPrometheusRegistryIsTheOneShownWithItsOwnMeters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("orders.placed").register(registry).increment(7);
        start(BatonHttpTest.testConfig(), app -> app.metrics(registry).get("/", ctx -> ctx.text("hi")));
        send("GET", "/");
        String text = scrapeShowing("uri=\"/\"");
        assertTrue(text.contains("orders_placed_total 7.0"), text);
        assertTrue(text.contains("uri=\"/\""), text);
    }

    @Test
    void anotherKindOfRegistryGetsBatonsMetersToo() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(BatonHttpTest.testConfig(), app -> app.metrics(registry).get("/", ctx -> ctx.text("hi")));
        send("GET", "/");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (registry.find("http.server.requests").tag("uri", "/").functionTimer() == null && System.nanoTime() < deadline) {
            Thread.sleep(10); // counted once the exchange is complete, which may come after the client has its answer
        }
        assertEquals(1.0, registry.get("http.server.requests").tag("uri", "/").functionTimer().count());
        assertEquals(1.0, registry.get("baton.generation").gauge().value());
    }

    @Test
    void offMeansNoEndpoint() throws Exception {
        start(BatonHttpTest.testConfig().with("metrics", "false"), app -> app.get("/", ctx -> ctx.text("hi")));
        assertEquals(404, send("GET", "/baton/metrics").statusCode());
    }
}
