package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow and stalled clients against the HTTP timeouts, over raw sockets on 127.0.0.1. */
class TimeoutsTest {

    private static final int MB = 1 << 20;

    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Socket> sockets = new ArrayList<>();
    private Baton app;

    private void start(BatonConfig config, Consumer<Baton> routes) {
        app = Baton.create(config);
        routes.accept(app);
        app.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (app != null) {
            app.stop();
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", app.port());
        sockets.add(socket);
        return socket;
    }

    private String get(String path, Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(timeout).build();
        return client.send(request, BodyHandlers.ofString()).body();
    }

    /** Reads until the server closes the connection (cleanly or not); the bytes read, or -1 if it never did. */
    private static long readUntilClosed(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (SocketTimeoutException stillOpen) {
            return -1;
        } catch (IOException reset) {
            // a cut connection may be reset: it is closed all the same
        }
        return total;
    }

    @Test
    void stalledBodiesHoldNoWorkerAndAreCutAfterTheReadTimeout() throws Exception {
        // 2 workers, so that a blocking handler per stalled body would have stalled the app twice over
        start(BatonHttpTest.testConfig().with("readTimeout", "1500ms").with("workerThreads", "2"),
                app -> app.post("/upload", ctx -> ctx.text("got " + ctx.bodyBytes().length))
                        .get("/", ctx -> ctx.text("still here")));
        for (int i = 0; i < 20; i++) {
            open().getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
                    .getBytes());
        }
        long start = System.nanoTime();
        assertEquals("still here", get("/", Duration.ofSeconds(1)));
        assertEquals("got 3", sendWhole("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
        for (Socket stalled : sockets.subList(0, 20)) {
            assertTrue(readUntilClosed(stalled, Duration.ofSeconds(5)) == 0, "a stalled body was cut without an answer");
        }
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(waited >= 1200, "cut after " + waited + " ms, before the read timeout");
    }

    private String sendWhole(String request) throws IOException {
        try (RawHttp http = new RawHttp(app.port())) {
            return http.send(request).read(false).body();
        }
    }

    @Test
    void aClientThatStopsReadingAFiftyMegabyteResponseIsCutAndFreesItsWorker() throws Exception {
        byte[] big = new byte[50 * MB];
        start(BatonHttpTest.testConfig().with("writeTimeout", "1s").with("workerThreads", "1"),
                app -> app.get("/big", ctx -> ctx.bytes(big))
                        .get("/big-stream", ctx -> ctx.stream(new java.io.ByteArrayInputStream(big)))
                        .get("/", ctx -> ctx.text("still here")));
        for (String path : List.of("/big", "/big-stream")) {
            Socket reader = new Socket();
            sockets.add(reader);
            reader.setReceiveBufferSize(4096);
            reader.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()));
            reader.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
            Thread.sleep(2500); // reads nothing for longer than the write timeout
            long got = readUntilClosed(reader, Duration.ofSeconds(5));
            assertTrue(got >= 0 && got < 50L * MB, path + ": read " + got + " bytes of a cut response");
            // the one worker is free again
            assertEquals("still here", get("/", Duration.ofSeconds(2)));
        }
    }

    @Test
    void aClientSlowToReadABufferedResponseHoldsNoWorkerMeanwhile() throws Exception {
        byte[] big = new byte[50 * MB];
        // the pool, not virtual threads (the default on Java 24+), where one held worker stops the app
        start(BatonHttpTest.testConfig().with("workerThreads", "1").with("virtualThreads", "false"),
                app -> app.get("/big", ctx -> ctx.bytes(big)).get("/", ctx -> ctx.text("still here")));
        Socket reader = new Socket();
        sockets.add(reader);
        reader.setReceiveBufferSize(4096);
        reader.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()));
        reader.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        Thread.sleep(300); // the handler has run and the socket's buffers are full: the client reads nothing yet
        // long before the 30 s write timeout: the one worker is not waiting for this client
        assertEquals("still here", get("/", Duration.ofSeconds(2)));
        InputStream in = reader.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        reader.setSoTimeout(10_000);
        while (total <= 50L * MB) { // the whole response, headers and 50 MB, still arrives once the client reads
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        assertTrue(total > 50L * MB, "read " + total + " bytes, headers included, of a 50 MB body");
    }

    @Test
    void slowHandlersAndPausingResponsesAreNotStalls() throws Exception {
        start(BatonHttpTest.testConfig().with("readTimeout", "500ms").with("writeTimeout", "500ms"),
                app -> app.get("/slow", ctx -> {
                    Thread.sleep(1500);
                    ctx.text("done");
                }).get("/pausing", ctx -> ctx.stream(new InputStream() {
                    private int sent;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (sent == 3) {
                            return -1;
                        }
                        if (sent++ > 0) {
                            sleep(1000);
                        }
                        // 8 KB a read whatever buffer the JDK's copy loop offers (8 KB on 17, 16 KB from 21)
                        int chunk = Math.min(len, 8192);
                        java.util.Arrays.fill(b, off, off + chunk, (byte) 'x');
                        return chunk;
                    }
                })));
        assertEquals("done", get("/slow", Duration.ofSeconds(5)));
        assertEquals(3 * 8192, get("/pausing", Duration.ofSeconds(10)).length());
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    @Test
    void aSlowRequestHeadAndAnIdleKeptAliveConnectionAreClosed() throws Exception {
        start(BatonHttpTest.testConfig().with("requestHeadTimeout", "1s").with("keepAliveTimeout", "1500ms"),
                app -> app.get("/", ctx -> ctx.text("ok")));
        Socket slowHead = open();
        slowHead.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes());
        try (RawHttp kept = new RawHttp(app.port())) {
            assertEquals("ok", kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read(false).body());
            assertEquals(-1, readUntilClosed(kept.socket(), Duration.ofMillis(500)), "closed before the keep-alive timeout");
            assertTrue(readUntilClosed(kept.socket(), Duration.ofSeconds(3)) >= 0, "an idle connection stays open");
        }
        assertTrue(readUntilClosed(slowHead, Duration.ofSeconds(3)) >= 0, "a request head that never ends stays open");
    }
}
