package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import dev.baton.testing.BatonTest;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The warm-up and self-check a generation runs against itself before it takes any real traffic. */
class WarmUpTest {

    @Test
    void everyPathIsFetchedOverAndOverBeforeStartReturns() throws Exception {
        ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        Baton app = Baton.create(BatonTest.config().with("warmUpTime", "2s").with("warmUp", "/config"));
        app.get("/", ctx -> count(hits, ctx).text("home"));
        app.get("/items", ctx -> count(hits, ctx).json(java.util.List.of(ctx.queryParam("limit"))));
        app.get("/stream", ctx -> count(hits, ctx).stream(new ByteArrayInputStream(new byte[100_000])));
        app.get("/config", ctx -> count(hits, ctx).text("from baton.warmUp"));
        app.get("/gone", ctx -> count(hits, ctx).status(404));
        app.warmUp("/", "/items?limit=10", "/stream", "/gone");
        app.start();
        try {
            for (String path : java.util.List.of("/", "/items", "/stream", "/config", "/gone")) {
                assertTrue(hits.containsKey(path), path + " was warmed up: " + hits);
                assertTrue(hits.get(path).get() >= 2, path + " was fetched again: " + hits);
            }
            // whole rounds only: the time is checked between rounds
            assertEquals(hits.get("/").get(), hits.get("/items").get(), "round after round: " + hits);
        } finally {
            app.stop();
        }
    }

    @Test
    void aServerErrorFailsTheStartWithTheReason() {
        Baton app = Baton.create(BatonTest.config());
        app.get("/", ctx -> ctx.text("fine"));
        app.get("/api/items", ctx -> {
            throw new IllegalStateException("the lazy bean that breaks on its first call");
        });
        app.warmUp("/", "/api/items");
        IllegalStateException e = assertThrows(IllegalStateException.class, app::start);
        assertEquals("self-check GET /api/items answered 500", e.getMessage());
    }

    @Test
    void noConnectionIsTakenFromTheListenerBeforeTheWarmUpEnds() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        BatonConfig config = BatonTest.config().with("port", Integer.toString(port)).with("warmUpTime", "1ms");
        CountDownLatch warming = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Baton app = Baton.create(config);
        app.get("/", ctx -> {
            if ("baton-warm-up".equals(ctx.header("User-Agent"))) {
                warming.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            ctx.text("served");
        });
        app.warmUp("/");
        CompletableFuture<Void> started = CompletableFuture.runAsync(app::start);
        try {
            assertTrue(warming.await(10, TimeUnit.SECONDS));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            CompletableFuture<HttpResponse<String>> early = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Thread.sleep(500);
            assertFalse(early.isDone(), "the kernel holds the connection while the warm-up runs");
            release.countDown();
            assertEquals("served", early.get(10, TimeUnit.SECONDS).body());
            started.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            started.get(10, TimeUnit.SECONDS);
            app.stop();
        }
    }

    @Test
    void badWarmUpPathsAreRefusedWhereTheyAreGiven() {
        assertThrows(IllegalArgumentException.class, () -> Baton.create(BatonTest.config()).warmUp("items"));
        assertThrows(dev.baton.config.ConfigException.class, () -> BatonTest.config().with("warmUp", "/a,b"));
    }

    private static Context count(ConcurrentHashMap<String, AtomicInteger> hits, Context ctx) {
        hits.computeIfAbsent(ctx.path(), path -> new AtomicInteger()).incrementAndGet();
        return ctx;
    }
}
