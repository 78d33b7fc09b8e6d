package dev.baton.tools;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;

/**
 * HTTP/1.1 clients that keep their connections alive and never retry: a request that meets a refused, reset or
 * closed connection counts as failed and is not sent again; a response other than 2xx counts as non-2xx; a
 * {@code Connection: close} response makes the client open a new connection for its next request, as HTTP/1.1
 * requires. This is how the demo and the zero-downtime tests judge an upgrade from outside.
 *
 * <p>Run it on its own (JDK 17+, no build): {@code java tools/KeepAliveClient.java 127.0.0.1 8080 8 60}
 * (host, port, connections, seconds at most). It prints each new answer as it first appears and, at the end or on
 * SIGTERM, the totals; it exits 1 if any request failed or was not 2xx.
 */
public final class KeepAliveClient implements AutoCloseable {

    private static final int MAX_DISTINCT_ANSWERS = 100;

    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final Map<String, Long> firstAnswered = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private final String host;
    private final int port;
    private final SocketFactory sockets;
    private final long deadline;
    private volatile boolean running = true;
    private volatile AnswerListener listener = (answer, at) -> {};

    /** Told once per distinct answer body, when it first arrives. */
    @FunctionalInterface
    public interface AnswerListener {
        void firstSeen(String answer, long epochMillis);
    }

    /** Starts {@code connections} clients; each stops by itself after {@code maxSeconds}. */
    public KeepAliveClient(String host, int port, int connections, long maxSeconds) {
        this(SocketFactory.getDefault(), host, port, connections, maxSeconds);
    }

    /** As above, over the sockets {@code sockets} makes (e.g. TLS ones, from an SSLContext's factory). */
    public KeepAliveClient(SocketFactory sockets, String host, int port, int connections, long maxSeconds) {
        this.sockets = sockets;
        this.host = host;
        this.port = port;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        for (int i = 0; i < connections; i++) {
            Thread client = new Thread(this::run, "keep-alive-client-" + i);
            client.setDaemon(true);
            clients.add(client);
        }
        clients.forEach(Thread::start);
    }

    public KeepAliveClient onNewAnswer(AnswerListener listener) {
        this.listener = listener;
        return this;
    }

    public long ok() {
        return ok.get();
    }

    public long failed() {
        return failed.get();
    }

    public long non2xx() {
        return non2xx.get();
    }

    public long total() {
        return ok.get() + failed.get() + non2xx.get();
    }

    /** Each distinct answer body and when it first arrived (epoch ms). */
    public Map<String, Long> answers() {
        return Map.copyOf(firstAnswered);
    }

    public String summary() {
        return "requests=" + total() + " ok=" + ok + " failed=" + failed + " non2xx=" + non2xx
                + " connections=" + connectionsOpened
                + (failures.isEmpty() ? "" : " first failures: " + failures.stream().limit(5).toList());
    }

    private void run() {
        Socket socket = null;
        InputStream in = null;
        while (running && System.nanoTime() < deadline) {
            try {
                // steady load that leaves the two cores some room for a starting generation
                Thread.sleep(1);
                if (socket == null) {
                    socket = sockets.createSocket(host, port);
                    socket.setSoTimeout(30_000);
                    in = new BufferedInputStream(socket.getInputStream());
                    connectionsOpened.incrementAndGet();
                }
                if (!exchange(socket.getOutputStream(), in)) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                if (failures.size() < 20) {
                    failures.add(e.toString());
                }
                closeQuietly(socket);
                socket = null;
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(socket);
    }

    /** One GET /; returns whether the connection stays open. */
    private boolean exchange(OutputStream out, InputStream in) throws IOException {
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine(in);
        int code = Integer.parseInt(status.split(" ")[1]);
        int length = 0;
        boolean keepAlive = true;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                keepAlive = false;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed in the middle of a response body");
        }
        if (code / 100 == 2) {
            ok.incrementAndGet();
        } else {
            non2xx.incrementAndGet();
            failures.add("HTTP " + code);
        }
        String answer = new String(body, StandardCharsets.UTF_8).trim();
        if (firstAnswered.size() < MAX_DISTINCT_ANSWERS && firstAnswered.putIfAbsent(answer, System.currentTimeMillis()) == null) {
            listener.firstSeen(answer, firstAnswered.get(answer));
        }
        return keepAlive;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before a complete response");
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
                // already gone
            }
        }
    }

    /** Stops the clients and waits for their last request to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(35));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java tools/KeepAliveClient.java <host> <port> <connections> <max-seconds>");
            System.exit(2);
        }
        KeepAliveClient load = new KeepAliveClient(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Long.parseLong(args[3]));
        load.onNewAnswer((answer, at) -> System.out.println("answer " + at + " " + answer));
        Thread report = new Thread(() -> {
            try {
                load.close();
            } catch (InterruptedException ignored) {
                // report what there is
            }
            System.out.println("totals " + load.summary());
            System.out.flush();
        });
        Runtime.getRuntime().addShutdownHook(report);
        for (Thread client : load.clients) {
            client.join();
        }
        Runtime.getRuntime().removeShutdownHook(report);
        report.run();
        System.exit(load.failed() + load.non2xx() == 0 ? 0 : 1);
    }
}
