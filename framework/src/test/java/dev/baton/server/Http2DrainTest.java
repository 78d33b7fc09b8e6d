package dev.baton.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import dev.baton.tls.TestPki;
import dev.baton.tls.TlsMaterial;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 over TLS (ALPN) on real sockets, and how a drain ends it: two servers on one listening socket play two
 * generations (the old one parks, as on probation, and the new one accepts); the JDK's HttpClient and a raw frame
 * client watch what goes over the wire.
 */
class Http2DrainTest {

    private static SSLContext serverTls;
    private static SSLContext clientTls;

    private final List<HttpServer> servers = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private ServerSocketChannel channel;

    /** The test CA's RSA certificate for 127.0.0.1, served, and the CA trusted. */
    @BeforeAll
    static void certificate() throws Exception {
        TestPki pki = TestPki.shared();
        serverTls = TlsMaterial.fromPkcs12(pki.rsaStore, TestPki.PASSWORD.toCharArray()).sslContext();
        clientTls = pki.clientTrustingCa();
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (HttpServer server : servers) {
            server.drain(Duration.ofMillis(100), HttpServer.IDLE_BEFORE_CLOSE, () -> false);
            server.shutdown();
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** A generation serving HTTPS on the shared socket: /slow waits for the test's release, the rest answers at once. */
    private HttpServer generation(String name, boolean accepting) throws IOException {
        if (channel == null) {
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        ServerSocketChannel plain = ServerSocketChannel.open();
        plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HttpHandler handler = answering(name, release);
        HttpServer server = HttpServer.startPaused(plain, handler,
                BatonConfig.defaults().with("ioThreads", "2").with("workerThreads", "16"));
        servers.add(server);
        server.serveAlsoTls(channel, handler, serverTls);
        if (accepting) {
            server.resumeAccepting();
        }
        return server;
    }

    /** Answers "{name} {protocol}"; /slow waits for {@code release} first. */
    static HttpHandler answering(String name, CountDownLatch release) {
        return new BlockingHandler(exchange -> {
            if (exchange.getRequestPath().equals("/slow")) {
                release.await(20, TimeUnit.SECONDS);
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            exchange.getResponseSender().send(name + " " + exchange.getProtocol());
        });
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + channel.socket().getLocalPort() + path);
    }

    private HttpClient http2Client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(clientTls)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void alpnNegotiatesHttp2AndHttp11ClientsStillGetHttp11() throws Exception {
        HttpServer server = generation("A", true);
        HttpResponse<String> h2 = http2Client().send(get("/"), BodyHandlers.ofString());
        assertEquals(200, h2.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, h2.version());
        assertEquals("A HTTP/2.0", h2.body());
        HttpResponse<String> again = http2Client().send(get("/"), BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, again.version());
        await(() -> server.connections() == 2, "two HTTP/2 connections counted");
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientTls).build();
        HttpResponse<String> h1 = http11.send(get("/"), BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, h1.version());
        assertEquals("A HTTP/1.1", h1.body());
        await(() -> server.connections() == 3 && server.exchanges() == 0, "three connections, no exchange running");
        HttpServer.DrainReport report = server.drain(Duration.ofSeconds(10), HttpServer.IDLE_BEFORE_CLOSE, () -> false);
        assertEquals(0, report.cut());
        assertEquals(0, server.connections());
        assertTrue(report.millis() < 5000, "idle connections, HTTP/2 and HTTP/1.1 over TLS, closed in " + report.millis() + " ms");
    }

    /**
     * Several streams in flight on one connection through the whole GOAWAY sequence, and clients after it on the next
     * generation. The streams are raw frames: the JDK's HttpClient before JDK 24 fails every stream in flight on any
     * GOAWAY, whatever its last stream id (the server cannot help that; nghttp2, curl, Go and browsers read it right).
     */
    @Test
    void streamsInFlightFinishAndNewStreamsGoToTheNextGeneration() throws Exception {
        HttpServer old = generation("A", true);
        HttpServer next = generation("B", false);
        HttpClient client = http2Client();
        assertEquals("A HTTP/2.0", client.send(get("/"), BodyHandlers.ofString()).body());
        try (RawHttp2 raw = rawTls(channel.socket().getLocalPort())) {
            raw.get(1, "/");
            assertEquals("A HTTP/2.0", raw.body(1));
            for (int stream = 3; stream <= 11; stream += 2) {
                raw.get(stream, "/slow");
            }
            await(() -> old.exchanges() == 5, "five streams in flight");
            assertEquals(2, old.connections(), "the HttpClient's connection and the raw one");

            old.park(); // the hand-off: the old generation stops accepting, the new one accepts
            next.resumeAccepting();
            CompletableFuture<HttpServer.DrainReport> drain = CompletableFuture.supplyAsync(
                    () -> old.drain(Duration.ofSeconds(15), HttpServer.IDLE_BEFORE_CLOSE, () -> false));
            assertEquals(Integer.MAX_VALUE, raw.goAway(), "the notice");
            Thread.sleep(200); // the HttpClient has read it too
            HttpResponse<String> after = client.send(get("/"), BodyHandlers.ofString());
            assertEquals("B HTTP/2.0", after.body(), "a request after the GOAWAY goes to a new connection, to the next generation");
            assertEquals(1, next.connections());
            assertEquals(11, raw.goAway(), "after the grace, the real last stream id, while the streams still run");
            assertEquals(5, old.exchanges());
            release.countDown();
            for (int stream = 3; stream <= 11; stream += 2) {
                assertEquals("A HTTP/2.0", raw.body(stream), "stream " + stream);
            }
            raw.awaitEnd();
            HttpServer.DrainReport report = drain.get(15, TimeUnit.SECONDS);
            assertEquals(0, report.cut());
            assertEquals(0, old.connections());
        }
        assertEquals("B HTTP/2.0", client.send(get("/"), BodyHandlers.ofString()).body());
        assertEquals(1, next.connections(), "the HttpClient keeps its one new connection");
    }

    @Test
    void anIdleConnectionGetsBothGoAwaysBeforeItCloses() throws Exception {
        HttpServer server = generation("A", true);
        try (RawHttp2 raw = rawTls(channel.socket().getLocalPort())) {
            raw.get(1, "/");
            assertEquals("A HTTP/2.0", raw.body(1));
            await(() -> server.exchanges() == 0, "the stream finished");
            long start = System.nanoTime();
            CompletableFuture<HttpServer.DrainReport> drain = CompletableFuture.supplyAsync(
                    () -> server.drain(Duration.ofSeconds(10), HttpServer.IDLE_BEFORE_CLOSE, () -> false));
            assertEquals(Integer.MAX_VALUE, raw.goAway(), "first the notice: no new streams, but all on their way are served");
            assertEquals(1, raw.goAway(), "then the last stream id, after the grace");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "the grace passed between them");
            raw.awaitEnd();
            assertEquals(0, drain.get(10, TimeUnit.SECONDS).cut());
        }
    }

    @Test
    void aStreamThatCrossedTheNoticeIsServed() throws Exception {
        HttpServer server = generation("A", true);
        try (RawHttp2 raw = rawTls(channel.socket().getLocalPort())) {
            raw.get(1, "/");
            assertEquals("A HTTP/2.0", raw.body(1));
            server.park();
            CompletableFuture<HttpServer.DrainReport> drain = CompletableFuture.supplyAsync(
                    () -> server.drain(Duration.ofSeconds(10), HttpServer.IDLE_BEFORE_CLOSE, () -> false));
            assertEquals(Integer.MAX_VALUE, raw.goAway());
            // A client that sent this before it read the notice: the notice promised to serve it.
            raw.get(3, "/slow");
            await(() -> server.exchanges() == 1, "the stream started");
            int last = raw.goAway();
            assertEquals(3, last, "the real last stream id covers it");
            release.countDown();
            assertEquals("A HTTP/2.0", raw.body(3));
            raw.awaitEnd();
            assertEquals(0, drain.get(10, TimeUnit.SECONDS).cut());
            assertEquals(0, server.connections());
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static RawHttp2 rawTls(int port) throws IOException {
        SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        parameters.setServerNames(List.of());
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        assertEquals("h2", socket.getApplicationProtocol());
        return new RawHttp2(socket);
    }
}
