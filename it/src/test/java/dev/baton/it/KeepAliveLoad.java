package dev.baton.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that keep their connection alive and never retry, the way a strict HTTP/1.1 client behaves: a request
 * that meets a refused, reset or closed connection counts as failed (never sent again), a response other than
 * 2xx as a non-2xx. A {@code Connection: close} response makes the client open a new connection for its next
 * request, as every HTTP/1.1 client must.
 */
final class KeepAliveLoad implements AutoCloseable {

    private static final long MAX_RUN_NANOS = TimeUnit.MINUTES.toNanos(3);

    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong non2xx = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final Set<String> answeredBy = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private final int port;
    private volatile boolean running = true;

    KeepAliveLoad(int port, int connections) {
        this.port = port;
        long started = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            Thread client = new Thread(() -> run(started), "keep-alive-client-" + i);
            client.start();
            clients.add(client);
        }
    }

    private void run(long started) {
        Socket socket = null;
        InputStream in = null;
        while (running && System.nanoTime() - started < MAX_RUN_NANOS) {
            try {
                if (socket == null) {
                    socket = new Socket("127.0.0.1", port);
                    socket.setSoTimeout(30_000);
                    in = new BufferedInputStream(socket.getInputStream());
                    reconnects.incrementAndGet();
                }
                Map.Entry<Integer, Boolean> response = exchange(socket.getOutputStream(), in);
                if (response.getKey() / 100 == 2) {
                    ok.incrementAndGet();
                } else {
                    non2xx.incrementAndGet();
                    failures.add("status " + response.getKey());
                }
                if (!response.getValue()) {
                    socket.close();
                    socket = null;
                }
                Thread.sleep(1);
            } catch (IOException e) {
                failed.incrementAndGet();
                failures.add(e.toString());
                closeQuietly(socket);
                socket = null;
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(socket);
    }

    /** Sends one GET and reads its response; returns the status and whether the connection stays open. */
    private Map.Entry<Integer, Boolean> exchange(OutputStream out, InputStream in) throws IOException {
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine(in);
        int code = Integer.parseInt(status.split(" ")[1]);
        int length = 0;
        boolean keepAlive = true;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                keepAlive = false;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the middle of a response body");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.startsWith("gen ")) {
            answeredBy.add(text.substring(0, text.indexOf(" pid")));
        }
        return Map.entry(code, keepAlive);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before a complete response (" + line.size() + " bytes of a line)");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    long total() {
        return ok.get() + failed.get() + non2xx.get();
    }

    String summary() {
        return "ok=" + ok + " failed=" + failed + " non2xx=" + non2xx + " connections opened=" + reconnects
                + " answered by " + answeredBy + (failures.isEmpty() ? "" : " first failures: " + failures.stream().limit(5).toList());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(35));
        }
    }
}
