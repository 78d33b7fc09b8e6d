package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 over TLS through upgrades of real processes: h2load (Debian's nghttp2-client) keeps several connections
 * with several streams each busy on the HTTPS listener, quick and slow requests mixed, while the app upgrades twice.
 * Each old generation sends its HTTP/2 connections GOAWAY (a notice, then the real last stream id), finishes their
 * streams and closes them; the next h2load round connects to the new one. Not one request fails.
 */
class Http2IT {

    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    @Test
    void h2loadThroughTwoUpgradesLosesNoRequest() throws Exception {
        int httpsPort = Deployment.freePort();
        try (Deployment app = new Deployment()) {
            Path tls = Files.createDirectories(app.dir.resolve("tls"));
            Path cert = tls.resolve("fullchain.pem");
            Path key = tls.resolve("privkey.pem");
            TestTls.selfSigned("h2", cert, key);
            app.start("-Dbaton.https=127.0.0.1:" + httpsPort, "-Dbaton.tlsCert=" + cert, "-Dbaton.tlsKey=" + key);
            long gen1 = app.currentPid();
            app.awaitLog("gen=1 pid=" + gen1 + " https listener on 127.0.0.1:" + httpsPort, 10);

            String base = "https://127.0.0.1:" + httpsPort;
            // h2load cannot go on through a GOAWAY: a client that got one starts no more requests (it reconnects
            // after HTTP/1.1's Connection: close only). So it runs in rounds of 1 s, back to back, from before the
            // first upgrade until after the second; a round whose connections were ended by a drain stops early.
            List<String> rounds = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!stop.get() && rounds.size() < 80 && System.nanoTime() < end) {
                    try {
                        Process h2load = new ProcessBuilder("h2load", "-c", "4", "-m", "8", "-t", "1", "-D", "1",
                                base + "/", base + "/slow?ms=200").redirectErrorStream(true).start();
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
            }, "h2load rounds");
            load.start();
            long gen2;
            try {
                Thread.sleep(1500);
                gen2 = app.upgrade();
                app.awaitGone(gen1, 20);
                long gen3 = app.upgrade();
                app.awaitGone(gen2, 20);
                assertEquals(gen3, app.currentPid());
                Thread.sleep(1500);
            } finally {
                stop.set(true);
                load.join(30_000);
            }
            long succeeded = 0;
            int cutShort = 0;
            long unsent = 0;
            List<String> done = List.copyOf(rounds);
            for (String out : done) {
                Matcher requests = REQUESTS.matcher(out);
                assertTrue(requests.find(), out);
                // h2load's timing mode drops the streams in flight when its second is up (at most 4 x 8), uncounted.
                long started = Long.parseLong(requests.group(2));
                long finished = Long.parseLong(requests.group(3));
                assertTrue(started - finished <= 32, "only the streams in flight at the end are left\n" + out);
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
                    cutShort++;
                    assertTrue(failedHere <= 32, "failed only where a GOAWAY stopped h2load\n" + out);
                    unsent += failedHere;
                } else {
                    assertEquals(0, failedHere, "a round no drain touched fails nothing\n" + out + "\n" + app.tail());
                }
            }
            System.out.println("h2load: " + done.size() + " rounds, " + succeeded + " requests succeeded, "
                    + cutShort + " rounds met a GOAWAY, " + unsent + " requests queued in h2load but never sent");
            assertTrue(done.size() >= 4 && succeeded > 500, done.size() + " rounds, " + succeeded + " requests");
            assertTrue(cutShort >= 2, "each drain ended HTTP/2 connections under load: " + cutShort + " rounds met a GOAWAY");
            String log = app.logText();
            assertTrue(log.contains("gen=1 pid=" + gen1 + " draining") && log.contains("gen=2 pid=" + gen2 + " draining"), app.tail());
            assertTrue(!log.contains("exchanges cut"), app.tail());
        }
    }
}
