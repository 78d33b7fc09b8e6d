package dev.baton.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.HttpException;
import dev.baton.testing.BatonTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSockets over real HTTP on 127.0.0.1, with the JDK's WebSocket client. */
class WsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void textAndBinaryBothWaysWithPathQueryAndHeaders() throws Exception {
        BlockingQueue<String> closes = new LinkedBlockingQueue<>();
        BatonTest.run(app -> {
            // tag::ws[]
            app.ws("/chat/{room}", ws -> {
                ws.onConnect(c -> {
                    c.attribute("who", c.queryParam("who"));
                    c.send("hello " + c.pathParam("room") + " " + c.attribute("who") + " " + c.header("x-token"));
                });
                ws.onMessage((c, text) -> c.send("echo " + text + " from " + c.attribute("who")));
                ws.onBinaryMessage((c, bytes) -> c.send(new byte[] {(byte) bytes.length, bytes[0]}));
                ws.onClose((c, code, reason) -> closes.add(code + " " + reason));
            });
            // end::ws[]
        }, http -> {
            Client client = Client.open(http.port(), "/chat/lobby?who=ann", "X-Token", "t1");
            assertEquals("hello lobby ann t1", client.next());
            client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo hi from ann", client.next());
            // A message in fragments is one message to the app.
            client.socket.sendText("one ", false).get(5, TimeUnit.SECONDS);
            client.socket.sendText("two", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo one two from ann", client.next());
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {42, 1, 2}), true).get(5, TimeUnit.SECONDS);
            assertEquals("binary 3,42", client.next());
            client.socket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertEquals("close 1000 bye", client.next());
            assertEquals("1000 bye", closes.poll(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void messagesOfOneSocketReachTheAppInOrderEvenWhenItBlocks() throws Exception {
        BatonTest.run(app -> app.ws("/slow", ws -> ws.onMessage((c, text) -> {
            Thread.sleep(text.length() % 3); // the handler may block: the next message waits for it
            c.send(text);
        })), http -> {
            Client client = Client.open(http.port(), "/slow");
            for (int i = 0; i < 200; i++) {
                client.socket.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("m" + i, client.next());
            }
        });
    }

    @Test
    void sendsFromManyThreadsAllArriveEachInItsOwnOrder() throws Exception {
        int threads = 4;
        int each = 250;
        BatonTest.run(app -> app.ws("/fan", ws -> ws.onConnect(c -> {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        c.send(thread + ":" + i);
                    }
                }).start();
            }
        })), http -> {
            Client client = Client.open(http.port(), "/fan");
            int[] nextOf = new int[threads];
            for (int n = 0; n < threads * each; n++) {
                String[] message = client.next().split(":");
                int thread = Integer.parseInt(message[0]);
                assertEquals(nextOf[thread]++, Integer.parseInt(message[1]), "thread " + thread + "'s messages in order");
            }
        });
    }

    @Test
    void aQuietSocketOutlivesTheReadTimeout() throws Exception {
        // readTimeout cuts an HTTP exchange whose body stalls; a WebSocket waits for its client's next message at will.
        Baton app = Baton.create(BatonTest.config().with("readTimeout", "300ms"));
        app.ws("/ws", ws -> ws.onMessage((c, text) -> c.send("echo " + text)));
        BatonTest.run(app, http -> {
            Client client = Client.open(http.port(), "/ws");
            Thread.sleep(1000);
            client.socket.sendText("late", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo late", client.next());
        });
    }

    @Test
    void pingsAreAnswered() throws Exception {
        BatonTest.run(app -> app.ws("/ws", ws -> { }), http -> {
            Client client = Client.open(http.port(), "/ws");
            client.socket.sendPing(ByteBuffer.wrap(new byte[] {7, 8})).get(5, TimeUnit.SECONDS);
            assertEquals("pong 7,8", client.next());
        });
    }

    @Test
    void aBeforeFilterRefusesTheUpgradeWithItsStatus() throws Exception {
        BatonTest.run(app -> app
                .before(ctx -> {
                    if (ctx.path().startsWith("/thrown") && !"secret".equals(ctx.header("X-Token"))) {
                        throw new HttpException(401, "who are you?");
                    }
                    if (ctx.path().startsWith("/set")) {
                        ctx.status(403).text("no");
                    }
                    if (ctx.path().startsWith("/login")) {
                        ctx.redirect("/login-page");
                    }
                })
                .ws("/thrown", ws -> ws.onConnect(c -> c.send("in")))
                .ws("/set", ws -> ws.onConnect(c -> c.send("in")))
                .ws("/login", ws -> ws.onConnect(c -> c.send("in"))), http -> {
            assertEquals(401, refusal(http.port(), "/thrown"));
            assertEquals(403, refusal(http.port(), "/set"));
            assertEquals(302, refusal(http.port(), "/login"));
            assertEquals("in", Client.open(http.port(), "/thrown", "X-Token", "secret").next());
        });
    }

    @Test
    void aPlainGetOnAWebSocketRouteIsAnswered426() throws Exception {
        BatonTest.run(app -> app.ws("/ws", ws -> { }), http -> {
            var response = HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/ws"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(426, response.statusCode());
            assertEquals("websocket", response.headers().firstValue("Upgrade").orElse(null));
        });
    }

    @Test
    void aMessageOverTheLimitClosesWith1009() throws Exception {
        Baton app = Baton.create(BatonTest.config().with("wsMaxMessageSize", "1KB"));
        BlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();
        app.ws("/ws", ws -> {
            ws.onMessage((c, text) -> c.send("got " + text.length()));
            ws.onClose((c, code, reason) -> serverCloses.add(code));
        });
        BatonTest.run(app, http -> {
            Client client = Client.open(http.port(), "/ws");
            client.socket.sendText("x".repeat(1024), true).get(5, TimeUnit.SECONDS);
            assertEquals("got 1024", client.next());
            client.socket.sendText("x".repeat(1025), true).get(5, TimeUnit.SECONDS);
            assertTrue(client.next().startsWith("close 1009 "));
            assertEquals(1009, serverCloses.poll(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void aCallbackThatThrowsGoesToOnErrorAndClosesWith1011() throws Exception {
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        BatonTest.run(app -> app.ws("/ws", ws -> {
            ws.onMessage((c, text) -> {
                throw new IllegalStateException("boom " + text);
            });
            ws.onError((c, error) -> errors.add(error.getMessage()));
        }), http -> {
            Client client = Client.open(http.port(), "/ws");
            client.socket.sendText("1", true).get(5, TimeUnit.SECONDS);
            assertEquals("close 1011 ", client.next());
            assertEquals("boom 1", errors.poll(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void anOnDrainThatThrowsStillEndsInA1012() throws Exception {
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        Baton app = Baton.create(BatonTest.config().with("wsCloseSpread", "0ms"));
        app.ws("/ws", ws -> {
            ws.onDrain(c -> {
                throw new IllegalStateException("no goodbye");
            });
            ws.onError((c, error) -> errors.add(error.getMessage()));
        });
        app.start();
        try {
            Client client = Client.open(app.port(), "/ws");
            app.stop();
            assertEquals("close 1012 Service Restart", client.next(), "the client reconnects all the same");
            assertEquals("no goodbye", errors.poll(5, TimeUnit.SECONDS));
        } finally {
            app.stop();
        }
    }

    static int refusal(int port, String path) throws Exception {
        try {
            Client.open(port, path);
        } catch (ExecutionException | CompletionException e) {
            return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
        }
        throw new AssertionError("the upgrade of " + path + " was not refused");
    }

    /**
     * One socket of the JDK's client: what arrives (text as is, binary as {@code binary n,first}, the close as
     * {@code close code reason}) queues in order. It answers a close only once {@link #answerClose} allows it.
     */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final List<Long> closedAtNanos = new ArrayList<>();
        final CompletableFuture<Void> answerClose;
        private final StringBuilder text = new StringBuilder();
        WebSocket socket;

        Client(boolean answersClose) {
            answerClose = answersClose ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        }

        static Client open(int port, String path, String... headers) throws Exception {
            return open(port, path, true, headers);
        }

        static Client open(int port, String path, boolean answersClose, String... headers) throws Exception {
            return open(HTTP, URI.create("ws://127.0.0.1:" + port + path), answersClose, headers);
        }

        /** A client of {@code uri} (ws: or wss:) through {@code http}, its TLS settings included. */
        static Client open(HttpClient http, URI uri, boolean answersClose, String... headers) throws Exception {
            Client client = new Client(answersClose);
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            for (int i = 0; i < headers.length; i += 2) {
                builder.header(headers[i], headers[i + 1]);
            }
            client.socket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
            return client;
        }

        /** The next thing that arrived, waiting up to 10 s. */
        String next() throws InterruptedException {
            String next = received.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("nothing arrived within 10 s");
            }
            return next;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            received.add("binary " + bytes(data));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            received.add("pong " + bytes(message));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (closedAtNanos) {
                closedAtNanos.add(System.nanoTime());
            }
            received.add("close " + statusCode + " " + reason);
            return answerClose;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add("error " + error);
        }

        private static String bytes(ByteBuffer data) {
            StringBuilder bytes = new StringBuilder();
            while (data.hasRemaining()) {
                bytes.append(data.get()).append(data.hasRemaining() ? "," : "");
            }
            return bytes.toString();
        }

    }
}
