package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/2 load from h2load (Debian's nghttp2-client) that lasts through upgrades: 4 connections with 8 streams each.
 * h2load cannot go on through a GOAWAY (a client that got one starts no more requests; it reconnects only after
 * HTTP/1.1's Connection: close), so it runs in rounds of 1 s, back to back; a round whose connections a drain
 * ended stops early, and the next connects to the new generation.
 */
final class H2loadRounds implements AutoCloseable {

    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    /** Streams h2load may have in flight: its timing mode drops them, uncounted, when a round's second is up. */
    private static final int IN_FLIGHT = 4 * 8;

    /** What the rounds saw, once each passed {@link #verify}'s checks. */
    record Summary(int rounds, long succeeded, int metGoAway, long unsent) {
        @Override
        public String toString() {
            return rounds + " rounds, " + succeeded + " requests succeeded, " + metGoAway + " rounds met a GOAWAY, "
                    + unsent + " requests queued in h2load but never sent";
        }
    }

    private final List<String> rounds = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread load;

    /**
     * Starts the rounds against {@code uris} (h2load spreads its requests over them), for at most 3 minutes, each of
     * the 4 connections starting {@code perSecond} requests a second: load beside other load, not a benchmark.
     */
    H2loadRounds(String name, int perSecond, String... uris) {
        List<String> command = new ArrayList<>(List.of("h2load", "-c", "4", "-m", "8", "-t", "1", "-D", "1",
                "--rps=" + perSecond));
        command.addAll(List.of(uris));
        load = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!stop.get() && rounds.size() < 200 && System.nanoTime() < end) {
                try {
                    Process h2load = new ProcessBuilder(command).redirectErrorStream(true).start();
                    String out = new String(h2load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!h2load.waitFor(20, TimeUnit.SECONDS)) {
                        h2load.destroyForcibly();
                        out += "\n(h2load did not end)";
                    }
                    rounds.add(out);
                } catch (IOException | InterruptedException e) {
                    rounds.add("h2load: " + e);
                    return;
                }
            }
        }, name);
        load.start();
    }

    /** Stops after the round under way. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        load.join(30_000);
    }

    /**
     * Checks every round: all answers 2xx over h2, nothing timed out, and failures only where a GOAWAY stopped h2load
     * (see below); at least {@code minGoAways} rounds met one.
     */
    Summary verify(Deployment app, int minGoAways) {
        long succeeded = 0;
        int metGoAway = 0;
        long unsent = 0;
        List<String> done = List.copyOf(rounds);
        for (String out : done) {
            Matcher requests = REQUESTS.matcher(out);
            assertTrue(requests.find(), out);
            long started = Long.parseLong(requests.group(2));
            long finished = Long.parseLong(requests.group(3));
            assertTrue(started - finished <= IN_FLIGHT, "only the streams in flight at the end are left\n" + out);
            assertEquals("0", requests.group(7), "timed out\n" + out + "\n" + app.tail());
            Matcher status = STATUS.matcher(out);
            assertTrue(status.find(), out);
            assertEquals(requests.group(4), status.group(1), "every answer is a 2xx\n" + out);
            assertTrue(out.contains("Application protocol: h2"), out);
            succeeded += Long.parseLong(requests.group(4));
            long failedHere = Long.parseLong(requests.group(5));
            assertEquals(requests.group(5), requests.group(6), "failed and errored are the same requests\n" + out);
            if (out.contains("Process Request Failure")) {
                // h2load's word for "got GOAWAY, starts no more requests on this connection". nghttp2 then drops a
                // request h2load had queued but not yet sent (the GOAWAY came in the same read as the end of the
                // stream that made room for it): the server never saw it, and a real client sends it again on a
                // new connection; h2load counts it failed and never retries. At most one per stream slot.
                metGoAway++;
                assertTrue(failedHere <= IN_FLIGHT, "failed only where a GOAWAY stopped h2load\n" + out);
                unsent += failedHere;
            } else {
                assertEquals(0, failedHere, "a round no drain touched fails nothing\n" + out + "\n" + app.tail());
            }
        }
        Summary summary = new Summary(done.size(), succeeded, metGoAway, unsent);
        assertTrue(done.size() >= 4 && succeeded > 500, summary.toString());
        assertTrue(metGoAway >= minGoAways, "drains ended HTTP/2 connections under load: " + summary);
        return summary;
    }
}
