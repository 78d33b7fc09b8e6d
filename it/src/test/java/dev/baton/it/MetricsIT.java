package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code /baton/metrics} across five generations of real processes: the counts carry over at each hand-off, a
 * request the old generation finishes after GO is counted too (its final totals, once drained), a failed upgrade
 * is counted by the generation that keeps serving and carried on by the next, and no count ever goes down.
 */
class MetricsIT {

    private static final String ROOT = "http_server_requests_seconds_count{method=GET,outcome=SUCCESS,status=200,uri=/}";
    private static final String SLOW = "http_server_requests_seconds_count{method=GET,outcome=SUCCESS,status=200,uri=/slow}";
    private static final String OK = "baton_upgrades_total{result=ok}";
    private static final String FAILED = "baton_upgrades_total{result=failed}";
    private static final String DRAINS = "baton_drain_seconds_count{}";

    @Test
    void countsKeepGrowingAcrossGenerations() throws Exception {
        try (Deployment app = new Deployment().start()) {
            int root = 0;
            Map<String, Double> before = scrape(app);
            for (int generation = 1; generation <= 5; generation++) {
                for (int i = 0; i < 5; i++) {
                    assertTrue(app.get("/").startsWith("HTTP/1.1 200"));
                    root++;
                }
                Map<String, Double> now = scrape(app);
                assertNeverLower(before, now, app);
                assertEquals(root, now.get(ROOT), "every GET / so far, whichever generation answered: " + now);
                assertEquals(generation - 1, now.getOrDefault(OK, 0.0), now.toString());
                assertEquals(generation - 1, now.getOrDefault(SLOW, 0.0), "each slow request, finished after GO: " + now);
                assertEquals(generation, now.get("baton_generation{}"));
                before = now;
                if (generation == 5) {
                    break;
                }
                if (generation == 3) {
                    failedUpgrade(app);
                }
                // In flight across the hand-off: the old generation finishes it after GO, and counts it then.
                long old = app.currentPid();
                CompletableFuture<String> slow = app.getAsync("/slow?ms=1500");
                app.await(() -> exchangesInFlight(app) >= 2, 10, "the slow request in flight"); // and the status asking
                app.upgrade();
                root++; // upgrade() asks the new generation for / once
                assertTrue(slow.get().contains("slow done by pid " + old), slow.get());
                app.awaitGone(old, 30); // drained, its probation passed: its final totals were sent before it parked
            }
            Map<String, Double> last = scrape(app);
            assertEquals(1.0, last.get(FAILED), "the failed upgrade, counted by gen 3, carried by gens 4 and 5: " + last);
            assertTrue(last.get(DRAINS) >= 4, "each old generation's drain: " + last);
            assertTrue(last.get("baton_handoff_seconds_sum{}") > 0, last.toString());
        }
    }

    private static int exchangesInFlight(Deployment app) {
        try {
            String status = app.get("/baton/status");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"exchanges\":(\\d+)").matcher(status);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static void failedUpgrade(Deployment app) throws Exception {
        Path good = app.dir.resolve("good.jar");
        Files.copy(app.jar, good, StandardCopyOption.REPLACE_EXISTING);
        Jars.withMainClass(good, app.jar, "dev.baton.it.TestApp$MainThrows");
        long serving = app.currentPid();
        app.signal(serving, "USR2");
        app.awaitLog("gen=3 pid=" + serving + " upgrade failed: ", 60);
        Files.move(good, app.jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, Double> scrape(Deployment app) throws Exception {
        String answer = app.get("/baton/metrics");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        return PrometheusText.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    }

    /** Baton's counters and timer counts never go down, from one scrape to the next, across generations. */
    private static void assertNeverLower(Map<String, Double> before, Map<String, Double> now, Deployment app) {
        for (Map.Entry<String, Double> sample : before.entrySet()) {
            String name = sample.getKey();
            boolean carried = name.startsWith("http_server_requests_seconds_") || name.startsWith("baton_upgrades_total")
                    || name.startsWith("baton_handoff_seconds_") || name.startsWith("baton_drain_");
            if (carried) { // the JVM's and the process's own counters start again with each process
                assertTrue(now.getOrDefault(name, 0.0) >= sample.getValue(),
                        name + " went down: " + sample.getValue() + " -> " + now.get(name) + "\n" + app.tail());
            }
        }
    }
}
