package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.testing.BatonTest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Server-sent events over real HTTP on 127.0.0.1, read by a client that parses the stream as EventSource does. */
class SseTest {

    record Event(String id, String event, String data, String retry) {
        static Event data(String data) {
            return new Event(null, null, data, null);
        }
    }

    private static final Event END = new Event(null, "<end of stream>", null, null);

    @Test
    void eventsArriveInOrderWithIdEventAndData() throws Exception {
        BatonTest.run(app -> app.sse("/rooms/{room}", client -> {
            client.send("hello " + client.ctx().pathParam("room") + " " + client.ctx().queryParam("who"));
            client.send("tick", "1");
            client.send("7", "tick", "2");
            client.send("two\nlines\r\nand a third\rone");
            client.send("");
            client.retry(Duration.ofMillis(1500));
            client.close();
        }), http -> {
            try (EventStream stream = EventStream.open(http.port(), "/rooms/lobby?who=ann")) {
                assertTrue(stream.head.startsWith("HTTP/1.1 200 "), stream.head);
                assertTrue(stream.head.contains("Content-Type: text/event-stream; charset=utf-8"), stream.head);
                assertTrue(stream.head.contains("Cache-Control: no-cache"), stream.head);
                assertEquals(Event.data("hello lobby ann"), stream.next());
                assertEquals(new Event(null, "tick", "1", null), stream.next());
                assertEquals(new Event("7", "tick", "2", null), stream.next());
                assertEquals(Event.data("two\nlines\nand a third\none"), stream.next());
                assertEquals(Event.data(""), stream.next());
                assertEquals(new Event(null, null, null, "1500"), stream.next());
                assertEquals(END, stream.next(), "close() ends the stream after the events sent before it");
            }
        });
    }

    @Test
    void readsTheLastEventIdTheClientSendsBack() throws Exception {
        BatonTest.run(app -> app.sse("/resume", client -> {
            client.send(String.valueOf(client.lastEventId()));
            client.close();
        }), http -> {
            try (EventStream stream = EventStream.open(http.port(), "/resume", "Last-Event-ID: 41")) {
                assertEquals(Event.data("41"), stream.next());
            }
            try (EventStream stream = EventStream.open(http.port(), "/resume")) {
                assertEquals(Event.data("null"), stream.next());
            }
        });
    }

    @Test
    void eventsSentFromAnotherThreadArriveInOrderAndCloseWaitsForThem() throws Exception {
        int count = 500;
        AtomicBoolean openAfterClose = new AtomicBoolean(true);
        BatonTest.run(app -> app.sse("/count", client -> new Thread(() -> {
            for (int i = 0; i < count; i++) {
                client.send(Integer.toString(i), null, "event " + i + " " + "x".repeat(200));
            }
            client.close();
            openAfterClose.set(client.isOpen());
            client.send("dropped: the stream is closing");
        }).start()), http -> {
            try (EventStream stream = EventStream.open(http.port(), "/count")) {
                for (int i = 0; i < count; i++) {
                    assertEquals(new Event(Integer.toString(i), null, "event " + i + " " + "x".repeat(200), null), stream.next());
                }
                assertEquals(END, stream.next());
            }
        });
        assertFalse(openAfterClose.get());
    }

    @Test
    void aClientThatLeavesFiresOnClose() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Set<SseClient> open = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
        try {
            BatonTest.run(app -> app.sse("/pings", client -> {
                open.add(client);
                client.onClose(() -> {
                    open.remove(client);
                    closed.countDown();
                });
            }), http -> {
                // The server notices a client that left when it next writes to it.
                pinger.scheduleAtFixedRate(() -> open.forEach(client -> client.send("ping")), 0, 20, TimeUnit.MILLISECONDS);
                EventStream stream = EventStream.open(http.port(), "/pings");
                assertEquals(Event.data("ping"), stream.next());
                SseClient client = open.iterator().next();
                stream.close();
                assertTrue(closed.await(5, TimeUnit.SECONDS), "onClose ran");
                assertFalse(client.isOpen());
                AtomicBoolean late = new AtomicBoolean();
                client.onClose(() -> late.set(true));
                assertTrue(late.get(), "a callback added after the close runs at once");
            });
        } finally {
            pinger.shutdownNow();
        }
    }

    @Test
    void aStopWithAConnectedClientThatOnDrainClosesIsQuick() throws Exception {
        Baton app = Baton.create(BatonTest.config()); // drainTimeout 5s
        Set<SseClient> clients = ConcurrentHashMap.newKeySet();
        app.sse("/events", client -> {
            clients.add(client);
            client.onClose(() -> clients.remove(client));
        });
        app.onDrain(() -> clients.forEach(client -> {
            client.retry(Duration.ofMillis(100));
            client.send("reconnect", "bye");
            client.close();
        }));
        BatonTest.run(app, http -> {
            // Returns once the response head arrived: the stream is open before any event.
            try (EventStream stream = EventStream.open(http.port(), "/events")) {
                long start = System.nanoTime();
                Thread stopper = new Thread(app::stop);
                stopper.start();
                assertEquals(new Event(null, null, null, "100"), stream.next());
                assertEquals(new Event(null, "reconnect", "bye", null), stream.next());
                assertEquals(END, stream.next());
                stopper.join(5000);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 3000, "stopped in " + millis + " ms, not at the 5 s drain deadline");
                assertTrue(clients.isEmpty(), "onClose ran");
            }
        });
    }

    @Test
    void theDrainDeadlineCutsAStreamNobodyClosesAndOnCloseRuns() throws Exception {
        Baton app = Baton.create(BatonTest.config().with("drainTimeout", "300ms"));
        CountDownLatch closed = new CountDownLatch(1);
        app.sse("/events", client -> client.onClose(closed::countDown));
        BatonTest.run(app, http -> {
            try (EventStream stream = EventStream.open(http.port(), "/events")) {
                long start = System.nanoTime();
                app.stop();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 300 && millis < 3000, "stopped in " + millis + " ms");
                assertEquals(END, stream.next());
                assertTrue(closed.await(5, TimeUnit.SECONDS), "onClose ran");
            }
        });
    }

    @Test
    void aStreamThatOpensDuringTheDrainEndsAtOnce() throws Exception {
        Baton app = Baton.create(BatonTest.config());
        AtomicInteger opened = new AtomicInteger();
        CountDownLatch draining = new CountDownLatch(1);
        app.get("/", ctx -> ctx.text("hi"));
        app.sse("/events", client -> opened.incrementAndGet());
        app.onDrain(draining::countDown);
        BatonTest.run(app, http -> {
            try (Socket socket = new Socket("127.0.0.1", http.port())) {
                socket.setSoTimeout(5000);
                send(socket, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                String head = readHead(socket.getInputStream());
                assertTrue(head.contains("Content-Length: 2"), head);
                assertEquals("hi", new String(socket.getInputStream().readNBytes(2), StandardCharsets.UTF_8));
                // A request whose head has begun to arrive is answered, never cut by the drain (an app of a test,
                // which has no successor, closes a connection that is only idle at once).
                send(socket, "GET /events HTTP/1.1\r\n");
                Thread.sleep(100);
                long start = System.nanoTime();
                Thread stopper = new Thread(app::stop);
                stopper.start();
                assertTrue(draining.await(5, TimeUnit.SECONDS));
                send(socket, "Host: 127.0.0.1\r\n\r\n");
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 "), response);
                assertTrue(response.contains("Content-Type: text/event-stream; charset=utf-8"), response);
                assertTrue(response.contains("Connection: close"), response);
                assertTrue(response.endsWith("\r\n\r\n"), "no event: " + response);
                socket.close(); // as EventSource does at the end of a stream
                stopper.join(5000);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 3000, "stopped in " + millis + " ms: the drain did not wait for the stream");
            }
        });
        assertEquals(0, opened.get(), "onOpen is not called during a drain");
    }

    @Test
    void headAnswersTheHeadersWithoutOpeningAStream() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        BatonTest.run(app -> app.sse("/events", client -> opened.incrementAndGet()), http -> {
            try (Socket socket = new Socket("127.0.0.1", http.port())) {
                socket.setSoTimeout(5000);
                send(socket, "HEAD /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 "), response);
                assertTrue(response.contains("Content-Type: text/event-stream; charset=utf-8"), response);
            }
        });
        assertEquals(0, opened.get());
    }

    @Test
    void anOnOpenThatThrowsEndsTheStream() throws Exception {
        BatonTest.run(app -> app.sse("/broken", client -> {
            client.send("before the failure");
            throw new IllegalStateException("test: onOpen fails");
        }), http -> {
            try (EventStream stream = EventStream.open(http.port(), "/broken")) {
                assertEquals(Event.data("before the failure"), stream.next());
                assertEquals(END, stream.next());
            }
        });
    }

    /** A GET on a connection of its own, whose events a reader thread parses into a queue as EventSource would. */
    static final class EventStream implements AutoCloseable {
        final String head;
        private final Socket socket;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        private EventStream(Socket socket, String head) {
            this.socket = socket;
            this.head = head;
        }

        static EventStream open(int port, String path, String... headers) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            send(socket, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + Arrays.stream(headers).map(header -> header + "\r\n").collect(Collectors.joining()) + "\r\n");
            InputStream in = socket.getInputStream();
            EventStream stream = new EventStream(socket, readHead(in));
            Thread reader = new Thread(() -> stream.read(in), "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
            return stream;
        }

        // The response is delimited by the connection's end (no chunking): its body is the bare event stream.
        private void read(InputStream in) {
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String id = null, event = null, retry = null;
                StringBuilder data = null;
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (id != null || event != null || data != null || retry != null) {
                            events.add(new Event(id, event, data == null ? null : data.toString(), retry));
                        }
                        id = event = retry = null;
                        data = null;
                        continue;
                    }
                    if (line.startsWith(":")) {
                        continue; // a comment (keep-alive)
                    }
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "retry" -> retry = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> events.add(new Event(null, "<unexpected line>", line, null));
                    }
                }
            } catch (IOException e) {
                // the connection ended
            } finally {
                events.add(END);
                // As EventSource does: without it, the server's clean close waits for this side's end.
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
        }

        Event next() throws InterruptedException {
            Event event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "an event within 10 s");
            return event;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line and headers, up to and including the blank line, and nothing more. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended within the response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
