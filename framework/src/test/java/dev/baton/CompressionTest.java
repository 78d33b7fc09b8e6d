package dev.baton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.BatonConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton.compression} checked by real clients: curl {@code --compressed} and Java's own gzip and zlib
 * decoders must get back the original bytes; small bodies, compressed types, server-sent events, HEAD, 304s and
 * ranges must go out as they are.
 */
class CompressionTest {

    private static final String TEXT = text(20_000);
    private static final byte[] PNG = new byte[20_000];
    private Baton app;
    private final HttpClient client = HttpClient.newHttpClient();

    static {
        new java.util.Random(7).nextBytes(PNG);
    }

    private static String text(int size) {
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; text.length() < size; i++) {
            text.append("line ").append(i).append(": Baton compresses what is worth compressing.\n");
        }
        return text.toString();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private void start(BatonConfig config) {
        app = Baton.create(config)
                .get("/big", ctx -> ctx.text(TEXT))
                .get("/json", ctx -> ctx.json(List.of(TEXT, TEXT)))
                .get("/small", ctx -> ctx.text("small"))
                .get("/png", ctx -> ctx.contentType("image/png").bytes(PNG))
                .get("/stream", ctx -> ctx.contentType("text/plain").stream(
                        new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.UTF_8))))
                .get("/no-transform", ctx -> ctx.header("Cache-Control", "no-transform").text(TEXT))
                .sse("/events", sse -> sse.send("hello"))
                .staticFiles("/static", "public");
        app.start();
    }

    private void start() {
        // tag::compression[]
        BatonConfig config = BatonConfig.defaults().with("compression", "true").with("compressionMinSize", "1KB");
        // end::compression[]
        start(config.with("host", "127.0.0.1").with("port", "0").with("signals", "false").with("drainTimeout", "2s"));
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String encoding(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Encoding").orElse(null);
    }

    private static boolean variesByEncoding(HttpResponse<?> response) {
        return response.headers().allValues("Vary").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("accept-encoding"));
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    private static byte[] inflate(byte[] body) throws IOException {
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(body))) { // zlib, as HTTP's deflate is
            return in.readAllBytes();
        }
    }

    /** Runs curl --compressed; returns the body it wrote, and the response head in {@code head}. */
    private byte[] curl(Path dir, String path, List<String> head, String... extra) throws Exception {
        Path body = dir.resolve("body");
        Path headers = dir.resolve("headers");
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--silent", "--show-error", "--compressed",
                "--dump-header", headers.toString(), "--output", body.toString()));
        command.addAll(List.of(extra));
        command.add("http://127.0.0.1:" + app.port() + path);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, curl.exitValue(), new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        head.clear();
        head.addAll(Files.readAllLines(headers).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        return Files.readAllBytes(body);
    }

    @Test
    void curlGetsTheOriginalBackFromGzipAndDeflate(@TempDir Path dir) throws Exception {
        start();
        byte[] text = TEXT.getBytes(StandardCharsets.UTF_8);
        byte[] file;
        try (InputStream in = getClass().getResourceAsStream("/public/big.txt")) {
            file = in.readAllBytes();
        }
        List<String> head = new java.util.ArrayList<>();
        for (String[] path : List.of(new String[] {"/big", TEXT}, new String[] {"/stream", TEXT},
                new String[] {"/static/big.txt", new String(file, StandardCharsets.UTF_8)})) {
            byte[] original = path[1].getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(original, curl(dir, path[0], head), path[0]);
            assertTrue(head.contains("content-encoding: gzip"), path[0] + " " + head);
            assertTrue(head.stream().anyMatch(h -> h.startsWith("vary:") && h.contains("accept-encoding")), head.toString());
            assertArrayEquals(original, curl(dir, path[0], head, "--header", "Accept-Encoding: deflate"), path[0]);
            assertTrue(head.contains("content-encoding: deflate"), path[0] + " " + head);
        }
        assertArrayEquals(text, curl(dir, "/big", head, "--header", "Accept-Encoding: identity"));
        assertFalse(head.stream().anyMatch(h -> h.startsWith("content-encoding")), head.toString());
    }

    @Test
    void javasDecodersGetTheOriginalBack() throws Exception {
        start();
        byte[] text = TEXT.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> gzip = get("/big", "Accept-Encoding", "gzip");
        assertEquals("gzip", encoding(gzip));
        assertTrue(gzip.body().length < text.length / 5, "compressed to " + gzip.body().length);
        assertArrayEquals(text, gunzip(gzip.body()));
        HttpResponse<byte[]> deflate = get("/big", "Accept-Encoding", "deflate");
        assertEquals("deflate", encoding(deflate));
        assertArrayEquals(text, inflate(deflate.body()));
        HttpResponse<byte[]> json = get("/json", "Accept-Encoding", "gzip, deflate");
        assertEquals("gzip", encoding(json));
        assertTrue(new String(gunzip(json.body()), StandardCharsets.UTF_8).startsWith("[\"line 0"));
    }

    @Test
    void acceptEncodingQValuesDecide() throws Exception {
        start();
        assertEquals("deflate", encoding(get("/big", "Accept-Encoding", "gzip;q=0.5, deflate")));
        assertEquals("gzip", encoding(get("/big", "Accept-Encoding", "deflate;q=0.2, gzip;q=0.9")));
        assertNull(encoding(get("/big", "Accept-Encoding", "gzip;q=0")));
        assertNull(encoding(get("/big", "Accept-Encoding", "identity")));
        assertNull(encoding(get("/big", "Accept-Encoding", "br, zstd")));
        assertNull(encoding(get("/big")));
        HttpResponse<byte[]> refusesAll = get("/big", "Accept-Encoding", "*;q=0");
        assertEquals(200, refusesAll.statusCode(), "the body as it is, not a 406");
        assertArrayEquals(TEXT.getBytes(StandardCharsets.UTF_8), refusesAll.body());
        assertTrue(variesByEncoding(get("/big")), "Vary even when this client did not ask");
    }

    @Test
    void smallBodiesAndCompressedTypesGoAsTheyAre() throws Exception {
        start();
        HttpResponse<byte[]> small = get("/small", "Accept-Encoding", "gzip");
        assertNull(encoding(small));
        assertEquals("small", new String(small.body(), StandardCharsets.UTF_8));
        assertFalse(variesByEncoding(small));
        HttpResponse<byte[]> png = get("/png", "Accept-Encoding", "gzip");
        assertNull(encoding(png));
        assertArrayEquals(PNG, png.body());
        assertNull(encoding(get("/no-transform", "Accept-Encoding", "gzip")));
        assertNull(encoding(get("/static/app.js", "Accept-Encoding", "gzip")), "under the threshold");
    }

    @Test
    void theThresholdIsASetting() throws Exception {
        start(BatonHttpTest.testConfig().with("compression", "true").with("compressionMinSize", "64KB"));
        assertNull(encoding(get("/big", "Accept-Encoding", "gzip")));
        assertEquals("gzip", encoding(get("/stream", "Accept-Encoding", "gzip")), "a stream's size is not known");
    }

    @Test
    void offByDefault() throws Exception {
        start(BatonHttpTest.testConfig());
        HttpResponse<byte[]> big = get("/big", "Accept-Encoding", "gzip");
        assertNull(encoding(big));
        assertFalse(variesByEncoding(big));
    }

    @Test
    void headNotModifiedAndRangesAreNotCompressed() throws Exception {
        start();
        HttpResponse<byte[]> whole = get("/static/big.txt", "Accept-Encoding", "gzip");
        assertEquals("gzip", encoding(whole));
        String etag = whole.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.startsWith("W/\""), "other bytes than the file's: a weak tag, as nginx makes it: " + etag);
        HttpResponse<byte[]> notModified = get("/static/big.txt", "Accept-Encoding", "gzip", "If-None-Match", etag);
        assertEquals(304, notModified.statusCode());
        assertNull(encoding(notModified));
        String strong = get("/static/big.txt").headers().firstValue("ETag").orElseThrow();
        assertEquals(etag, "W/" + strong);
        HttpResponse<byte[]> range = get("/static/big.txt", "Accept-Encoding", "gzip", "Range", "bytes=0-99");
        assertEquals(206, range.statusCode());
        assertNull(encoding(range));
        assertEquals(100, range.body().length);
        HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/big"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertNull(encoding(head));
    }

    @Test
    void serverSentEventsAreNeverBufferedByACompressor() throws Exception {
        start();
        try (RawHttp http = new RawHttp(app.port())) {
            http.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Accept-Encoding: gzip, deflate\r\n\r\n");
            // The stream stays open: the event must arrive on its own, readable as it is.
            InputStream in = http.socket().getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (!seen.toString(StandardCharsets.ISO_8859_1).contains("hello")) {
                int c = in.read();
                assertTrue(c >= 0, "the stream ended before its first event: " + seen);
                seen.write(c);
            }
            String head = seen.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            assertTrue(head.contains("content-type: text/event-stream"), head);
            assertFalse(head.contains("content-encoding"), head);
        }
    }
}
