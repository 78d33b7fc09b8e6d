package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import dev.baton.server.HandlerThreads;
import dev.baton.testing.BatonTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where blocking handlers run ({@code baton.virtualThreads}), on whichever JDK runs the tests: on 17 the worker pool
 * whatever {@code auto} says and {@code true} refused in one line; from 21 on a virtual thread per request under
 * {@code true}, with blocking request and response streams working there as on a worker.
 */
class VirtualThreadsTest {

    private static final int JAVA = Runtime.version().feature();

    /** Which thread ran each stage of a request, by stage. */
    private final Map<String, Thread> seen = new ConcurrentHashMap<>();

    private Baton app(String virtualThreads) {
        BatonConfig config = BatonTest.config();
        Baton app = Baton.create(virtualThreads == null ? config : config.with("virtualThreads", virtualThreads));
        app.before(ctx -> seen.put("before " + ctx.path(), Thread.currentThread()));
        app.after(ctx -> seen.put("after " + ctx.path(), Thread.currentThread()));
        app.get("/blocking", ctx -> {
            seen.put("handler", Thread.currentThread());
            ctx.text(Thread.currentThread().getName());
        });
        return app;
    }

    private static boolean virtual(Thread thread) {
        return HandlerThreads.isVirtual(thread);
    }

    @Test
    void autoIsTheWorkerPoolBeforeJava24AndVirtualThreadsFrom24() throws Exception {
        Baton app = app(null);
        assertEquals(BatonConfig.VirtualThreads.AUTO, app.config().virtualThreads(), "the tests run with the default");
        BatonTest.run(app, client -> {
            assertEquals(200, client.get("/blocking").statusCode());
            Thread handler = seen.get("handler");
            assertEquals(JAVA >= 24, virtual(handler), handler.toString());
            if (JAVA < 24) {
                assertTrue(handler.getName().startsWith("baton task-"), "an XNIO worker: " + handler);
            } else {
                assertTrue(handler.getName().startsWith("baton-handler-"), handler.toString());
            }
            assertEquals(handler, seen.get("before /blocking"), "the filters run on the handler's thread");
            assertEquals(handler, seen.get("after /blocking"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "true"})
    void theConnectionsIoThreadFinishesAnAnswerHeldInMemory(String virtualThreads) throws Exception {
        assumeTrue("false".equals(virtualThreads) || JAVA >= 21, "virtual threads need Java 21");
        Baton app = app(virtualThreads);
        app.get("/exchange", ctx -> {
            ctx.exchange(); // in blocking mode from here on: the handler's thread finishes it
            seen.put("handler /exchange", Thread.currentThread());
            ctx.text("blocking");
        });
        app.requestLogger((ctx, millis) -> seen.put("completed " + ctx.path(), Thread.currentThread()));
        BatonTest.run(app, client -> {
            for (String path : List.of("/blocking", "/exchange")) {
                assertEquals(200, client.get(path).statusCode());
                long deadline = System.nanoTime() + 5_000_000_000L; // the logger runs as the response completes
                while (!seen.containsKey("completed " + path) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            // Ended there, the exchange cannot race the client's next request on that connection (see send()).
            assertTrue(seen.get("completed /blocking") instanceof org.xnio.XnioIoThread, seen.toString());
            assertEquals(seen.get("handler /exchange"), seen.get("completed /exchange"));
        });
    }

    @Test
    void falseKeepsTheWorkerPoolOnEveryJdk() throws Exception {
        BatonTest.run(app("false"), client -> {
            assertEquals(200, client.get("/blocking").statusCode());
            assertFalse(virtual(seen.get("handler")));
            assertTrue(seen.get("handler").getName().startsWith("baton task-"), seen.get("handler").toString());
        });
    }

    @Test
    void trueIsRefusedInOneLineBeforeJava21() {
        assumeTrue(JAVA < 21, "this JVM has virtual threads");
        assertFalse(HandlerThreads.available());
        System.setProperty("baton.virtualThreads", "true");
        try {
            ConfigException e = assertThrows(ConfigException.class, Baton::create);
            assertEquals("baton.virtualThreads: 'true' needs virtual threads, which came with Java 21; this JVM is Java "
                    + System.getProperty("java.version") + ": set it to auto or false, or run on Java 21 or later",
                    e.getMessage());
            assertEquals("baton.virtualThreads", e.key());
        } finally {
            System.clearProperty("baton.virtualThreads");
        }
    }

    @Test
    void trueRunsFiltersHandlersAndSseOnVirtualThreadsButNonBlockingOnTheIoThread() throws Exception {
        assumeTrue(JAVA >= 21, "virtual threads need Java 21");
        assertTrue(HandlerThreads.available());
        Baton app = app("true");
        app.get("/inline", Handler.nonBlocking(ctx -> {
            seen.put("inline", Thread.currentThread());
            ctx.text("inline");
        }));
        app.post("/late-body", ctx -> {
            seen.put("late-body", Thread.currentThread());
            ctx.text(ctx.body());
        });
        app.sse("/events", client -> {
            client.send(String.valueOf(virtual(Thread.currentThread())));
            client.close();
        });
        BatonTest.run(app, client -> {
            assertEquals(200, client.get("/blocking").statusCode());
            Thread handler = seen.get("handler");
            assertTrue(virtual(handler), handler.toString());
            assertTrue(handler.getName().startsWith("baton-handler-"), handler.toString());
            assertEquals(handler, seen.get("before /blocking"));
            assertEquals(handler, seen.get("after /blocking"));
            assertEquals(200, client.get("/blocking").statusCode());
            assertFalse(handler.equals(seen.get("handler")), "a new virtual thread for each request");

            // Filters force a dispatch; without any the inline handler stays on the IO thread (below).
            assertEquals(200, client.get("/inline").statusCode());
            assertTrue(virtual(seen.get("inline")), "before/after filters run on a virtual thread");

            // A body that arrives after the head is received on the IO thread, then dispatched from there.
            try (Socket socket = new Socket("127.0.0.1", client.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /late-body HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
                out.write("later".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith("\r\n\r\nlater"), response);
            }
            assertTrue(virtual(seen.get("late-body")), seen.get("late-body").toString());

            try (Socket socket = new Socket("127.0.0.1", client.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String stream = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(stream.contains("\r\n\r\ndata:true\n\n") || stream.contains("\r\n\r\ndata: true\n\n"),
                        "SSE onOpen runs on a virtual thread: " + stream);
            }
        });

        Baton bare = Baton.create(BatonTest.config().with("virtualThreads", "true"));
        bare.get("/inline", Handler.nonBlocking(ctx -> {
            seen.put("bare inline", Thread.currentThread());
            ctx.text("inline");
        }));
        BatonTest.run(bare, client -> {
            assertEquals(200, client.get("/inline").statusCode());
            Thread io = seen.get("bare inline");
            assertFalse(virtual(io), io.toString());
            assertTrue(io.getName().startsWith("baton I/O-"), "Handler.nonBlocking stays on the IO thread: " + io);
        });
    }

    /**
     * Undertow's buffer pool keeps a cache per thread; a thread per request would cache each buffer for itself alone
     * and allocate a new direct one for each response (16 KB of native memory, freed only by a collection): under
     * load, direct memory ran out in seconds and requests hung. With virtual threads the pool has no thread cache.
     */
    @Test
    void virtualThreadsReuseTheServersBuffers() throws Exception {
        assumeTrue(JAVA >= 21, "virtual threads need Java 21");
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        BatonTest.run(app("true"), client -> {
            assertEquals(200, client.get("/blocking").statusCode());
            long before = direct.getCount();
            for (int i = 0; i < 1000; i++) {
                assertEquals(200, client.get("/blocking").statusCode());
            }
            assertTrue(virtual(seen.get("handler")));
            long grown = direct.getCount() - before;
            assertTrue(grown < 100, grown + " more direct buffers after 1000 requests");
        });
    }

    /**
     * A large request body read as a stream, and large responses written by Baton ({@code ctx.stream}) and by the
     * handler itself (the exchange's blocking output stream) to a client that stops reading for a while: the
     * handler's thread waits for the socket, through XNIO, and gets on once the client reads.
     */
    @ParameterizedTest
    @ValueSource(strings = {"false", "true"})
    void blockingStreamsWork(String virtualThreads) throws Exception {
        assumeTrue("false".equals(virtualThreads) || JAVA >= 21, "virtual threads need Java 21");
        boolean virtual = "true".equals(virtualThreads);
        long size = 16L << 20;
        Baton app = app(virtualThreads);
        app.post("/upload", ctx -> {
            CRC32 crc = new CRC32();
            long n = 0;
            try (InputStream in = ctx.bodyStream()) {
                byte[] buffer = new byte[8192];
                for (int read; (read = in.read(buffer)) > 0; n += read) {
                    crc.update(buffer, 0, read);
                }
            }
            ctx.text(n + " " + crc.getValue() + " " + virtual(Thread.currentThread()));
        });
        app.get("/stream", ctx -> {
            seen.put("stream", Thread.currentThread());
            ctx.stream(new Pattern(size));
        });
        app.get("/write", ctx -> {
            seen.put("write", Thread.currentThread());
            ctx.exchange().getResponseHeaders().put(io.undertow.util.Headers.CONTENT_LENGTH, size);
            try (OutputStream out = ctx.exchange().getOutputStream(); InputStream in = new Pattern(size)) {
                in.transferTo(out);
            }
        });
        BatonTest.run(app, client -> {
            // Under 2 MB: Undertow's own MAX_ENTITY_SIZE default, which baton.maxBodySize does not raise today.
            byte[] body = new byte[(3 << 20) / 2];
            new Pattern(body.length).readNBytes(body, 0, body.length);
            CRC32 crc = new CRC32();
            crc.update(body);
            String answer = client.send(java.net.http.HttpRequest.newBuilder(client.uri("/upload"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))).body();
            assertEquals(body.length + " " + crc.getValue() + " " + virtual, answer);

            // The first wait of a virtual thread may start the JDK's own pollers (more epoll instances, for good):
            // only from the second download on must the count come back to where it was.
            int settled = -1;
            for (String path : List.of("/stream", "/write", "/stream", "/write")) {
                int before = selectors();
                try (Socket socket = new Socket()) {
                    socket.setReceiveBufferSize(8192);
                    socket.setSoTimeout(10_000);
                    socket.connect(new InetSocketAddress("127.0.0.1", client.port()));
                    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    if (virtual && procFds()) {
                        // The handler's virtual thread fills the socket and waits on a selector of its own.
                        assertTrue(await(() -> selectors() > before), path + ": no selector opened for the wait");
                    } else {
                        Thread.sleep(300);
                    }
                    assertTrue(seen.get(path.substring(1)).isAlive(), path + ": the handler waits for the client");
                    InputStream in = socket.getInputStream();
                    String head = head(in);
                    assertTrue(head.startsWith("HTTP/1.1 200 "), head);
                    Pattern expected = new Pattern(size);
                    byte[] buffer = new byte[65536];
                    long n = 0;
                    for (int read; (read = in.read(buffer)) > 0; n += read) {
                        for (int i = 0; i < read; i++) {
                            if (buffer[i] != (byte) expected.read()) {
                                throw new AssertionError(path + ": wrong byte at " + (n + i));
                            }
                        }
                    }
                    assertEquals(size, n, path);
                }
                assertEquals(virtual, virtual(seen.get(path.substring(1))));
                if (virtual && procFds() && settled >= 0) {
                    // A worker keeps its selector for life; a virtual thread's is closed with its request.
                    int floor = settled;
                    assertTrue(await(() -> selectors() <= floor), path + ": the virtual thread's selector is left open ("
                            + selectors() + " selectors, " + floor + " before)");
                } else if (virtual && procFds()) {
                    Thread.sleep(200); // the handler's thread ends just after the last byte
                    settled = selectors();
                }
            }
        });
    }

    /** Bytes 0, 1, ..., 250, 0, 1, ...: a length no power of two divides, so a shifted chunk shows. */
    private static final class Pattern extends InputStream {
        private long left;
        private int next;

        Pattern(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            int b = next;
            next = (next + 1) % 251;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) next;
                next = (next + 1) % 251;
            }
            left -= n;
            return n;
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static boolean procFds() {
        return Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** Open epoll instances of this JVM: one per selector (XNIO's IO threads, HTTP clients, threads waiting). */
    private static int selectors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:[eventpoll]");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
