package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's endpoints across generations, with real processes and signals: readiness turns 503 the moment
 * a generation stops taking connections (hand-off, SIGTERM) while its kept-alive connections are still served;
 * the status tells of each upgrade (ok, failed, rolled back); the access log's fields.
 */
class OpsIT {

    @Test
    void readinessTurnsAtTheHandOffAndTheStatusTellsEachUpgrade() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.probation=20s", "-Dbaton.accessLog=true",
                "-Dbaton.readinessTimeout=20s", "-DtestApp.holdReadiness=hold")) {
            long gen1 = app.currentPid();
            assertTrue(app.get("/baton/status").contains("\"lastUpgrade\":null"), app.get("/baton/status"));
            Path good = app.dir.resolve("good.jar");
            Files.copy(app.jar, good);

            // A probe gen 1 holds (its readiness check waits on a file) while the hand-off happens: answered after.
            Path hold = app.dir.resolve("hold");
            Files.createFile(hold);
            CompletableFuture<String> probe = app.getAsync("/baton/health/ready");
            awaitExchanges(app, 2, "the probe in flight");
            long gen2 = app.upgrade();
            app.awaitLog("gen=1 pid=" + gen1 + " draining", 30);
            Files.delete(hold);
            String draining = probe.get();
            assertTrue(draining.startsWith("HTTP/1.1 503 "), draining);
            assertTrue(draining.contains("\"generation\":1"), draining);
            assertTrue(draining.matches("(?s).*\"status\":\"(handing over|parked)\".*"), draining);
            assertTrue(draining.contains("\"hold\":\"ok\""), draining);

            String status = app.get("/baton/status");
            assertTrue(status.contains("\"generation\":2") && status.contains("\"pid\":" + gen2), status);
            assertTrue(status.contains("\"lastUpgrade\":{") && status.contains("\"from\":1,\"to\":2,\"result\":\"ok\""), status);
            Matcher handOff = Pattern.compile("\"handOffMillis\":(\\d+)").matcher(status);
            assertTrue(handOff.find() && Long.parseLong(handOff.group(1)) > 0, status);
            assertTrue(status.contains("inherited from gen 1 pid " + gen1), status);
            assertTrue(app.get("/baton/health/ready").contains("\"generation\":2"));

            // A release that fails its self-check: gen 2 keeps serving and says why.
            deploy(app, good, "dev.baton.it.TestApp$WarmUpFails");
            app.signal(gen2, "USR2");
            app.awaitLog("gen=2 pid=" + gen2 + " upgrade failed: ", 60);
            status = app.get("/baton/status");
            assertTrue(status.contains("\"from\":2,\"to\":3,\"result\":\"failed\""), status);
            assertTrue(status.contains("\"reason\":\"gen 3 pid "), status);
            assertTrue(status.contains("\"state\":\"serving\""), status);

            // A release that dies after taking over: gen 2 resumes and says so.
            deploy(app, good, "dev.baton.it.TestApp$DiesAfterTakingOver");
            app.signal(gen2, "USR2");
            app.awaitLog("ms after taking over (status 3); gen 2 resumes", 60);
            status = app.get("/baton/status");
            assertTrue(status.contains("\"from\":2,\"to\":3,\"result\":\"rolled back\""), status);
            assertTrue(status.contains("died "), status);
            Pattern line = Pattern.compile("INFO (baton\\.)?access - GET /baton/status 200 \\d+ \\d+ ms gen=2");
            assertTrue(line.matcher(app.logText()).find(), app.tail());
        }
    }

    @Test
    void readinessTurnsAtSigtermWhileTheKeptAliveConnectionsAreServed() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.drainTimeout=10s", "-Dbaton.readinessTimeout=20s",
                "-DtestApp.holdReadiness=hold")) {
            long pid = app.currentPid();
            CompletableFuture<String> held = app.getAsync("/slow?ms=3000"); // keeps the drain open
            awaitExchanges(app, 2, "the held request in flight");
            Path hold = app.dir.resolve("hold");
            Files.createFile(hold);
            CompletableFuture<String> probe = app.getAsync("/baton/health/ready");
            awaitExchanges(app, 3, "the probe in flight");
            app.signal(pid, "TERM");
            app.awaitLog("draining", 10);
            Files.delete(hold);
            String stopping = probe.get();
            assertTrue(stopping.startsWith("HTTP/1.1 503 "), stopping);
            assertTrue(stopping.contains("\"status\":\"stopping\""), stopping);
            assertTrue(held.get().contains("slow done by pid " + pid), "the request in flight completes: " + held.get());
        }
    }

    /** Until the status counts {@code exchanges} in flight, its own request included. */
    private static void awaitExchanges(Deployment app, int exchanges, String what) throws Exception {
        app.await(() -> {
            try {
                return app.get("/baton/status").contains("\"exchanges\":" + exchanges + ",");
            } catch (java.io.IOException e) {
                return false;
            }
        }, 10, what);
    }

    private static void deploy(Deployment app, Path good, String mainClass) throws Exception {
        Path incoming = app.dir.resolve("incoming.jar");
        Jars.withMainClass(good, incoming, mainClass);
        Files.move(incoming, app.jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
