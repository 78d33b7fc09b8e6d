package dev.baton.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.testing.BatonTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a drain does to open WebSockets: 1012 spread over the window, 503 to new upgrades, 1001 at the deadline. */
class WsDrainTest {

    @Test
    void aDrainClosesEverySocketWith1012WithinTheSpreadAfterOnDrainAndRefusesNewUpgrades() throws Exception {
        int sockets = 40;
        Baton app = Baton.create(BatonTest.config().with("drainTimeout", "5s").with("wsCloseSpread", "1s"));
        // tag::drain[]
        app.ws("/ws", ws -> {
            ws.onConnect(c -> c.send("hi"));
            ws.onDrain(c -> c.send("reconnect")); // just before this socket's 1012
        });
        // end::drain[]
        app.get("/", ctx -> ctx.text("ok"));
        CountDownLatch draining = new CountDownLatch(1);
        app.before("/ws", ctx -> { // holds one upgrade request until the drain began
            if (ctx.header("X-Hold") != null && !draining.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no drain");
            }
        });
        app.onDrain(draining::countDown); // runs after Baton's own callback, which begins the WebSockets' drain
        app.start();
        try (Socket kept = new Socket("127.0.0.1", app.port())) {
            kept.setSoTimeout(10_000);
            List<WsTest.Client> clients = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                WsTest.Client client = WsTest.Client.open(app.port(), "/ws");
                assertEquals("hi", client.next());
                clients.add(client);
            }
            // A kept-alive connection, open before the drain: the way an upgrade can still reach a draining generation.
            assertTrue(request(kept, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));

            // An upgrade request that reaches the handler once the drain began (an embedded app's drain closes idle
            // connections at once, so it cannot come later on an idle one): held by a filter until then.
            kept.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nX-Hold: yes\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            Thread stopper = new Thread(app::stop);
            stopper.start();
            assertTrue(draining.await(5, TimeUnit.SECONDS));
            String refused = request(kept, "");
            assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
            assertTrue(refused.toLowerCase().contains("connection: close"), refused);
            List<Long> closedAfterMillis = new ArrayList<>();
            for (WsTest.Client client : clients) {
                assertEquals("reconnect", client.next(), "onDrain's message comes before the close");
                assertEquals("close 1012 Service Restart", client.next());
                closedAfterMillis.add(TimeUnit.NANOSECONDS.toMillis(client.closedAtNanos.get(0) - start));
            }

            stopper.join(10_000);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long first = closedAfterMillis.stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = closedAfterMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("%d sockets: 1012 between %d and %d ms after the drain began; stopped in %d ms%n", sockets,
                    first, last, stopMillis);
            assertTrue(last <= 1000 + 500, "every 1012 within the 1 s spread (and a margin): " + closedAfterMillis);
            assertTrue(last - first >= 300, "the closes are spread, not all at once: " + closedAfterMillis);
            assertTrue(stopMillis < 3000, "the drain ended with the last socket, not at its deadline: " + stopMillis);
            assertFalse(stopper.isAlive());
        }
    }

    @Test
    void socketsStillOpenJustBeforeTheDeadlineGet1001AndTheDrainCountsThem() throws Exception {
        Baton app = Baton.create(BatonTest.config().with("drainTimeout", "2s").with("wsCloseSpread", "0ms"));
        CountDownLatch release = new CountDownLatch(1);
        app.ws("/ws", ws -> ws.onDrain(c -> {
            if ("stuck".equals(c.queryParam("as"))) {
                release.await(5, TimeUnit.SECONDS); // an app busy past the deadline: its 1012 never goes out
            }
        }));
        app.start();
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            WsTest.Client stuck = WsTest.Client.open(app.port(), "/ws?as=stuck");
            WsTest.Client mute = WsTest.Client.open(app.port(), "/ws?as=mute", false); // never answers a close
            System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
            long start = System.nanoTime();
            app.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("close 1012 Service Restart", mute.next());
            assertEquals("close 1001 Going Away", stuck.next());
            long goneAwayMillis = TimeUnit.NANOSECONDS.toMillis(stuck.closedAtNanos.get(0) - start);
            assertTrue(goneAwayMillis >= 1300 && goneAwayMillis < 2000, "1001 half a second before the 2 s deadline: "
                    + goneAwayMillis);
            assertTrue(stopMillis >= 2000 && stopMillis < 4000, "the mute socket held the drain to its deadline: " + stopMillis);
        } finally {
            System.setErr(err);
            release.countDown();
        }
        Matcher line = Pattern.compile("drain deadline after \\d+ ms: 1 exchanges cut, 1 WebSockets closed with 1001"
                + " \\(Going Away\\) before it").matcher(log.toString(StandardCharsets.UTF_8));
        assertTrue(line.find(), log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDrainCalledOffLeavesOpenSocketsOpenAndTakesUpgradesAgain() throws Exception {
        // The generation's successor died on probation: the drain is called off (the resume callbacks).
        Baton app = Baton.create(BatonTest.config());
        WsSockets sockets = new WsSockets(app.config().with("wsCloseSpread", "500ms"));
        app.get("/ws", sockets.route(ws -> ws.onMessage((c, text) -> c.send("echo " + text))));
        // as Baton.ws wires it, so that the stop at the end is quick
        app.onDrain(() -> sockets.drain(1, ProcessHandle.current().pid()));
        BatonTest.run(app, http -> {
            WsTest.Client open = WsTest.Client.open(app.port(), "/ws");
            // Called off at once: a close drawn later than that within the spread must never go out. (A refusal
            // checked in between would lose the socket whenever the draw came before the refusal's round trip.)
            sockets.drain(1, ProcessHandle.current().pid());
            sockets.resume();
            Thread.sleep(800); // past the spread: a close still scheduled would have gone out
            open.socket.sendText("still here", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo still here", open.next());
            sockets.drain(1, ProcessHandle.current().pid());
            assertEquals(503, WsTest.refusal(app.port(), "/ws"));
            sockets.resume();
            WsTest.Client later = WsTest.Client.open(app.port(), "/ws");
            later.socket.sendText("new", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo new", later.next());
        });
    }

    /** Sends {@code request} on {@code socket} and reads the response head. */
    private static String request(Socket socket, String request) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return text;
    }

    /** Writes to two streams: the test's stderr stays as it was, and the log is kept for a look. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream one;
        private final OutputStream two;

        TeeStream(OutputStream one, OutputStream two) {
            this.one = one;
            this.two = two;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            one.write(b);
            two.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            one.write(b, off, len);
            two.write(b, off, len);
        }
    }
}
