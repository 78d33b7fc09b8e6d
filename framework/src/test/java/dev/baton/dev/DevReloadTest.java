package dev.baton.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.config.BatonConfig;
import dev.baton.testing.BatonTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Dev mode's page reload (baton.dev=true) over real HTTP, and the owner watch's idea of a live owner. */
class DevReloadTest {

    private static final String PAGE = "<!doctype html><html><head><title>t</title></head><body><h1>hi</h1></body></html>";
    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private static final String SCRIPT = DevReload.script(PID);

    private static void routes(Baton app) {
        app.get("/page", ctx -> ctx.html(PAGE));
        app.get("/streamed", ctx -> ctx.contentType("text/html; charset=utf-8")
                .stream(new ByteArrayInputStream(PAGE.getBytes(StandardCharsets.UTF_8))));
        app.get("/fragment", ctx -> ctx.html("<p>no body tag</p>"));
        app.get("/text", ctx -> ctx.text("</body> stays"));
        app.get("/json", ctx -> ctx.json(Map.of("a", "</body>")));
        app.get("/big", ctx -> ctx.html("<body>" + "x".repeat(ScriptInjectingConduit.MAX_HELD) + "</body>"));
        app.get("/moved", ctx -> ctx.redirect("/page"));
    }

    @Test
    void htmlAnswersGetTheScriptBeforeTheirBodyEnds() throws Exception {
        Baton app = Baton.create(BatonTest.config().with("dev", "true"));
        routes(app);
        BatonTest.run(app, client -> {
            String expected = PAGE.replace("</body>", SCRIPT + "</body>");
            HttpResponse<String> page = client.get("/page");
            assertEquals(200, page.statusCode());
            assertEquals(expected, page.body());
            assertTrue(page.body().contains("var pid='" + PID + "'"), page.body());
            assertEquals(expected, client.get("/streamed").body());
            assertEquals("<p>no body tag</p>" + SCRIPT, client.get("/fragment").body());
            assertEquals("</body> stays", client.get("/text").body());
            assertEquals("{\"a\":\"</body>\"}", client.get("/json").body());
            HttpResponse<String> big = client.get("/big");
            assertEquals(ScriptInjectingConduit.MAX_HELD + "<body></body>".length(), big.body().length());
            assertFalse(big.body().contains("<script"), "too large to hold back: sent as it is");
            assertEquals(302, client.send(java.net.http.HttpRequest.newBuilder(client.uri("/moved"))).statusCode());
            // The same page again on the same connection: the chunked answer ended where it should
            assertEquals(expected, client.get("/page").body());
        });
    }

    @Test
    void offByDefault() throws Exception {
        Baton app = Baton.create(BatonTest.config());
        routes(app);
        BatonTest.run(app, client -> {
            assertEquals(PAGE, client.get("/page").body());
            assertEquals(404, client.get(DevReload.PATH).statusCode());
        });
        assertFalse(BatonConfig.defaults().dev());
        assertTrue(BatonConfig.defaults().ownerPid().isEmpty());
    }

    @Test
    void theStreamTellsThePidAndEndsWhenTheDrainBegins() throws Exception {
        Baton app = Baton.create(BatonTest.config().with("dev", "true").with("drainTimeout", "10s"));
        routes(app);
        app.start();
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + DevReload.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readUntil(in, "data:" + PID + "\n\n");
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.contains("text/event-stream"), head);
            assertTrue(head.contains("retry:" + DevReload.RETRY_MILLIS + "\n"), head);
            long start = System.nanoTime();
            Thread stopper = new Thread(app::stop);
            stopper.start();
            // The stream ends at the drain's start, not at its 10 s deadline
            in.readAllBytes();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the stream ended with the drain");
            stopper.join(10_000);
        } finally {
            app.stop();
        }
    }

    @Test
    void injectsBeforeTheLastBodyEndInAnyCase() {
        byte[] script = "<s/>".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("<BODY>a</body><!-- x --><s/></BoDy >".getBytes(StandardCharsets.US_ASCII),
                ScriptInjectingConduit.inject("<BODY>a</body><!-- x --></BoDy >".getBytes(StandardCharsets.US_ASCII), script));
        assertArrayEquals("plain<s/>".getBytes(StandardCharsets.US_ASCII),
                ScriptInjectingConduit.inject("plain".getBytes(StandardCharsets.US_ASCII), script));
        assertArrayEquals("<s/>".getBytes(StandardCharsets.US_ASCII),
                ScriptInjectingConduit.inject(new byte[0], script));
    }

    @Test
    void theOwnerIsAliveOnlyAsTheProcessItWas() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        assertTrue(OwnerWatch.alive(self.pid(), self.info().startInstant()));
        assertTrue(OwnerWatch.alive(self.pid(), Optional.empty()));
        assertFalse(OwnerWatch.alive(self.pid(), Optional.of(Instant.EPOCH)), "a pid reused by another process");
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        assertFalse(OwnerWatch.alive(done.pid(), Optional.empty()));
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.UTF_8).contains(end)) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException e) {
                throw new IOException("no '" + end + "' within the timeout: " + seen.toString(StandardCharsets.UTF_8), e);
            }
            if (b < 0) {
                throw new IOException("the stream ended before '" + end + "': " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }
}
