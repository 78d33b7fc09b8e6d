package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator's endpoints of one generation, in this JVM; across generations see the ITs. */
class OpsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final CountDownLatch release = new CountDownLatch(1);
    private Baton app;

    private void start(BatonConfig config, Consumer<Baton> setUp) {
        app = Baton.create(config);
        setUp.accept(app);
        app.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void livenessReadinessAndStatusAnswerAheadOfTheAppsFilters() throws Exception {
        AtomicInteger filtered = new AtomicInteger();
        start(BatonHttpTest.testConfig(), app -> app.before(ctx -> {
            filtered.incrementAndGet();
            throw new HttpException(401, "log in first");
        }));
        HttpResponse<String> live = get("/baton/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.body().contains("\"status\":\"live\""), live.body());
        HttpResponse<String> ready = get("/baton/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(null));
        HttpResponse<String> status = get("/baton/status");
        assertEquals(200, status.statusCode());
        assertTrue(status.body().contains("\"generation\":1"), status.body());
        assertTrue(status.body().contains("\"state\":\"serving\""), status.body());
        assertTrue(status.body().contains("\"pid\":" + ProcessHandle.current().pid()), status.body());
        assertTrue(status.body().contains("\"lastUpgrade\":null"), status.body());
        assertEquals(0, filtered.get(), "the app's filters never see the operator's endpoints");
        assertEquals(401, get("/").statusCode());
    }

    @Test
    void unknownEndpointsAndMethodsAreRefused() throws Exception {
        start(BatonHttpTest.testConfig(), app -> app.get("/baton-tools", ctx -> ctx.text("the app's")));
        assertEquals(404, get("/baton/metrix").statusCode());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/baton/health/ready")).POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(null));
        assertEquals("the app's", get("/baton-tools").body(), "only paths under the prefix are Baton's");
    }

    @Test
    void theAppsReadinessChecksAreBoundedAndAHungOneIsNotStartedTwice() throws Exception {
        AtomicInteger hungCalls = new AtomicInteger();
        AtomicInteger dbAnswer = new AtomicInteger(1);
        start(BatonHttpTest.testConfig().with("readinessTimeout", "300ms"), app -> app
                .readiness("db", () -> dbAnswer.get() == 1)
                .readiness("cache", () -> {
                    throw new IllegalStateException("cold");
                })
                .readiness("queue", () -> {
                    hungCalls.incrementAndGet();
                    release.await();
                    return true;
                }));
        long start = System.nanoTime();
        HttpResponse<String> first = get("/baton/health/ready");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "bounded by readinessTimeout");
        assertEquals(503, first.statusCode(), first.body());
        assertTrue(first.body().contains("\"db\":\"ok\""), first.body());
        assertTrue(first.body().contains("\"cache\":\"failed: java.lang.IllegalStateException: cold\""), first.body());
        assertTrue(first.body().contains("\"queue\":\"no answer after"), first.body());
        assertTrue(first.body().contains("\"status\":\"not ready\""), first.body());
        dbAnswer.set(0);
        HttpResponse<String> second = get("/baton/health/ready");
        assertTrue(second.body().contains("\"db\":\"not ready\""), second.body());
        assertEquals(1, hungCalls.get(), "a check still running is awaited again, not started again");
        assertEquals(200, get("/baton/health/live").statusCode(), "liveness does not run the app's checks");
    }

    @Test
    void aProbeInFlightWhenTheGenerationStartsStoppingIsAnsweredNotReady() throws Exception {
        CountDownLatch inCheck = new CountDownLatch(1);
        start(BatonHttpTest.testConfig().with("readinessTimeout", "10s"), app -> app.readiness("held", () -> {
            inCheck.countDown();
            release.await();
            return true;
        }));
        var probe = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/baton/health/ready")).build(), BodyHandlers.ofString());
        assertTrue(inCheck.await(5, java.util.concurrent.TimeUnit.SECONDS));
        Thread stopper = new Thread(app::stop);
        stopper.start();
        for (int i = 0; i < 500 && stopper.getState() != Thread.State.TIMED_WAITING
                && stopper.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(10); // until stop() waits for the probe: the drain began
        }
        release.countDown();
        HttpResponse<String> answer = probe.get();
        assertEquals(503, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"status\":\"stopping\""), answer.body());
        assertTrue(answer.body().contains("\"held\":\"ok\""), answer.body());
        stopper.join(5000);
    }
    /**
     * Probes on one kept-alive connection, back to back, while the generation starts its drain: the first 503
     * comes within 10 ms of stop(), and the connection goes on being served until an answer asks the client to
     * close it: never cut.
     */
    @Test
    void readinessTurnsWithinTenMillisecondsOfTheDrainOnAKeptAliveConnection() throws Exception {
        start(BatonHttpTest.testConfig(), app -> app.get("/", ctx -> ctx.text("hi")));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            byte[] probe = "GET /baton/health/ready HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long stopAt = 0;
            long firstNotReadyMillis = -1;
            Thread stopper = null;
            for (int i = 0; i < 100_000; i++) {
                if (i == 200) { // the JIT has seen the path; the drain starts now
                    stopper = new Thread(app::stop);
                    stopAt = System.nanoTime();
                    stopper.start();
                }
                out.write(probe);
                out.flush();
                String status = in.readLine();
                boolean close = false;
                int length = 0;
                for (String header; !(header = in.readLine()).isEmpty(); ) {
                    String lower = header.toLowerCase(java.util.Locale.ROOT);
                    close |= lower.equals("connection: close");
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(lower.substring(15).trim());
                    }
                }
                in.skip(length);
                if (status.startsWith("HTTP/1.1 503") && firstNotReadyMillis < 0) {
                    assertTrue(stopAt > 0, "503 before the drain: " + status);
                    firstNotReadyMillis = (System.nanoTime() - stopAt) / 1_000_000;
                    assertTrue(firstNotReadyMillis <= 10, "readiness turned " + firstNotReadyMillis + " ms after the drain began");
                }
                if (firstNotReadyMillis >= 0) {
                    assertEquals("HTTP/1.1 503 Service Unavailable", status, "never ready again");
                    if (close) { // the drain asked this client to go elsewhere: an answer, not a cut connection
                        stopper.join(5000);
                        return;
                    }
                } else {
                    assertEquals("HTTP/1.1 200 OK", status);
                }
            }
            throw new AssertionError("readiness never turned");
        }
    }
}
