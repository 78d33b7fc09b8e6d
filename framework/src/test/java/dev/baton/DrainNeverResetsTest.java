package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client has sent is answered, or its connection closed cleanly after the last answer: never reset. Over
 * raw sockets, with the drain an upgrade or a stop runs.
 */
class DrainNeverResetsTest {

    private Baton app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private CompletableFuture<Void> drainInBackground() {
        return CompletableFuture.runAsync(app::stop);
    }

    @Test
    void aRequestSplitAcrossTheStartOfTheDrainIsAnswered() throws Exception {
        app = Baton.create(BatonHttpTest.testConfig().with("drainTimeout", "5s"));
        app.get("/", ctx -> ctx.text("answered"));
        app.start();
        try (RawHttp http = new RawHttp(app.port())) {
            http.send("GET / HTTP/1.1\r\nHo");
            Thread.sleep(200);
            CompletableFuture<Void> drain = drainInBackground();
            Thread.sleep(1500); // longer than a drain waits before closing an idle connection
            http.send("st: x\r\n\r\n");
            RawHttp.Response response = http.read(false);
            assertEquals("answered", response.body());
            assertEquals("close", response.header("Connection"));
            assertTrue(http.closedCleanly(), "closed after the answer, without a reset");
            drain.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pipelinedRequestsAcrossTheDrainAreAnsweredOrClosedAfterTheLastAnswer() throws Exception {
        app = Baton.create(BatonHttpTest.testConfig().with("drainTimeout", "10s"));
        app.get("/p/{n}", ctx -> {
            Thread.sleep(100);
            ctx.text(ctx.pathParam("n"));
        });
        app.start();
        try (RawHttp http = new RawHttp(app.port())) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                requests.append("GET /p/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            http.send(requests.toString());
            List<RawHttp.Response> answers = new ArrayList<>();
            answers.add(http.read(false));
            CompletableFuture<Void> drain = drainInBackground();
            while (!"close".equals(answers.get(answers.size() - 1).header("Connection"))) {
                answers.add(http.read(false));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(200, answers.get(i).status());
                assertEquals(String.valueOf(i), answers.get(i).body(), "answers come in request order, whole");
            }
            assertTrue(answers.size() < 10, "the drain ended the connection before the queue: " + answers.size());
            assertTrue(http.closedCleanly(), "closed after the last answer, without a reset");
            drain.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOversizedBodyGets413AndTheClientSendingItSeesNoReset() throws Exception {
        app = Baton.create(BatonHttpTest.testConfig().with("maxBodySize", "1KB"));
        app.post("/upload", ctx -> ctx.text("got " + ctx.bodyBytes().length));
        app.start();
        for (boolean chunked : new boolean[] {false, true}) {
            try (RawHttp http = new RawHttp(app.port())) {
                int size = 8 << 20;
                CompletableFuture<IOException> sending = CompletableFuture.supplyAsync(() -> {
                    try {
                        OutputStream out = http.socket().getOutputStream();
                        out.write(("POST /upload HTTP/1.1\r\nHost: x\r\n"
                                + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: " + size + "\r\n\r\n"))
                                .getBytes());
                        byte[] piece = new byte[64 * 1024];
                        for (int sent = 0; sent < size; sent += piece.length) {
                            if (chunked) {
                                out.write((Integer.toHexString(piece.length) + "\r\n").getBytes());
                            }
                            out.write(piece);
                            if (chunked) {
                                out.write("\r\n".getBytes());
                            }
                        }
                        if (chunked) {
                            out.write("0\r\n\r\n".getBytes());
                        }
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
                RawHttp.Response response = http.read(false);
                assertEquals(413, response.status());
                assertEquals("close", response.header("Connection"));
                assertNull(sending.get(20, TimeUnit.SECONDS), "the client could send its whole body, unreset");
                assertTrue(http.closedCleanly(), "closed after the 413, without a reset");
            }
        }
    }
}
