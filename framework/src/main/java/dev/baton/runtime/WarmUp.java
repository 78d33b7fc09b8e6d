package dev.baton.runtime;

import dev.baton.server.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A generation's self-check before it takes any real traffic: it GETs the app's warm-up paths from itself, over a
 * private loopback listener served by the same handlers, round after round until its answers stop getting faster
 * (the JIT has compiled the hot paths) or the time is up. Real traffic then meets compiled code, and a release whose
 * pages answer 5xx never takes over: an on-box canary.
 */
final class WarmUp {

    /** Bounds the repetitions whatever the time allowed: enough for the JIT's thresholds, not an endless loop. */
    private static final int MAX_ROUNDS = 5_000;
    /** How long one warm-up request may take: a handler that hangs fails the check rather than the whole start. */
    private static final int ANSWER_MILLIS = 10_000;
    /** Rounds timed together; a batch counts by its fastest round, which scheduling noise can only slow down. */
    private static final int BATCH_ROUNDS = 10;
    /**
     * Batches in a row none of which is 10 % faster than the best so far: the answers have settled. Every warm-up
     * spent after that delays the hand-off (on 2 busy cores a second of warm-up lengthened it by more than that)
     * for little: the JIT compiles what is hot within the first few hundred requests.
     */
    private static final int SETTLED_BATCHES = 3;
    /**
     * Rounds before the answers may count as settled: until the JIT's first compilations the interpreter's answers
     * are flat too, only slow. A request calls most of its methods several times, so by 100 rounds they are compiled
     * (answers 5-10 times faster than the first); what runs once a request (C1 after 200 calls) compiles within the
     * first real ones. 200 rounds made the hand-off 50-70 ms longer for no better p99 under load (bench/results).
     */
    private static final int MIN_ROUNDS = 100;

    /** What the warm-up did and why it ended, or why the self-check failed (then {@code failure} is not null). */
    record Result(int requests, long millis, String ended, String failure) {}

    private WarmUp() {}

    /**
     * GETs each path once, then all of them round after round until the answers have settled ({@code untilSettled})
     * or {@code time} has passed. A training run goes on for all of {@code time}: its profile is what an archive keeps.
     */
    static Result run(HttpServer server, List<String> paths, Duration time, boolean untilSettled) {
        long start = System.nanoTime();
        long deadline = start + time.toNanos();
        long batchBest = Long.MAX_VALUE;
        long best = Long.MAX_VALUE;
        int flat = 0;
        int requests = 0;
        String ended = "5000 rounds";
        try (HttpServer.Loopback loopback = server.loopback()) {
            Connection connection = null;
            String path = null;
            try {
                for (int round = 0; round < MAX_ROUNDS; round++) {
                    long roundStart = System.nanoTime();
                    if (round > 0 && roundStart >= deadline) {
                        ended = "baton.warmUpTime reached";
                        break;
                    }
                    if (round > 1 && (round - 1) % BATCH_ROUNDS == 0) { // batches start after the first, coldest round
                        flat = batchBest < best - best / 10 ? 0 : flat + 1; // 10 % faster: not settled yet
                        best = Math.min(best, batchBest);
                        batchBest = Long.MAX_VALUE;
                        if (untilSettled && flat >= SETTLED_BATCHES && round > MIN_ROUNDS) {
                            ended = "settled at " + best / 1000 / paths.size() + " µs a request";
                            break;
                        }
                    }
                    for (int i = 0; i < paths.size(); i++) {
                        path = paths.get(i);
                        if (connection == null) {
                            connection = new Connection(loopback.port());
                        }
                        int status = connection.get(path);
                        requests++;
                        if (status >= 500) {
                            return failed(requests, start, "self-check GET " + path + " answered " + status);
                        }
                        if (!connection.keptAlive) {
                            connection.close();
                            connection = null;
                        }
                    }
                    if (round > 0) {
                        batchBest = Math.min(batchBest, System.nanoTime() - roundStart);
                    }
                }
            } catch (IOException e) {
                return failed(requests, start, "self-check GET " + path + " failed: " + e);
            } finally {
                if (connection != null) {
                    connection.close();
                }
            }
        } catch (IOException e) {
            return failed(requests, start, "self-check could not listen on 127.0.0.1: " + e.getMessage());
        }
        return new Result(requests, millisSince(start), ended, null);
    }

    private static Result failed(int requests, long start, String why) {
        return new Result(requests, millisSince(start), null, why);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** One kept-alive HTTP/1.1 connection that reads whole responses, as a browser or a load balancer would. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean keptAlive;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(ANSWER_MILLIS);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        int get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: baton-warm-up\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] statusLine = line().split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IOException(path + ": not an HTTP response: " + String.join(" ", statusLine));
            }
            int status = Integer.parseInt(statusLine[1]);
            long length = -1;
            boolean chunked = false;
            keptAlive = true;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    keptAlive = false;
                }
            }
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    skip(size + 2);
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
                keptAlive = false;
            }
            return status;
        }

        private long chunkSize() throws IOException {
            String size = line();
            int extension = size.indexOf(';');
            return Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
        }

        private void skip(long bytes) throws IOException {
            in.skipNBytes(bytes); // EOFException when the response ends early
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed before a whole response");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException alreadyClosed) {
                // nothing to release
            }
        }
    }
}
