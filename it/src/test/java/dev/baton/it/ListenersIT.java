package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tools.KeepAliveClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Three listeners (HTTP, HTTPS, admin) through five upgrades, under load on each: keep-alive clients that never
 * retry on HTTP and on HTTPS, probes on fresh connections to the admin listener. Nothing fails on any of them,
 * and each new generation holds exactly the three listeners.
 */
class ListenersIT {

    @Test
    void threeListenersThroughFiveUpgradesUnderLoadLoseNothing() throws Exception {
        int httpsPort = Deployment.freePort();
        int adminPort = Deployment.freePort();
        try (Deployment app = new Deployment()) {
            Path tls = Files.createDirectories(app.dir.resolve("tls"));
            TestTls.selfSigned("listeners", tls.resolve("fullchain.pem"), tls.resolve("privkey.pem"));
            app.start("-Dbaton.https=127.0.0.1:" + httpsPort, "-Dbaton.admin=127.0.0.1:" + adminPort,
                    "-Dbaton.tlsCert=" + tls.resolve("fullchain.pem"), "-Dbaton.tlsKey=" + tls.resolve("privkey.pem"));
            SSLContext trusting = TestTls.trustingAny();

            AtomicInteger probes = new AtomicInteger();
            AtomicReference<String> probeFailure = new AtomicReference<>();
            Thread admin = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                while (probeFailure.get() == null && !Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                    try {
                        String answer = RawHttp.get(adminPort, "/baton/health/live", 10_000);
                        if (!answer.startsWith("HTTP/1.1 200 ")) {
                            probeFailure.set(answer);
                        }
                        probes.incrementAndGet();
                        Thread.sleep(10);
                    } catch (IOException e) {
                        probeFailure.set(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "admin probes");
            try (KeepAliveClient http = new KeepAliveClient("127.0.0.1", app.port(), 3, 150);
                    KeepAliveClient https = new KeepAliveClient(trusting.getSocketFactory(), "127.0.0.1", httpsPort, 3, 150)) {
                admin.start();
                long previous = app.currentPid();
                for (int i = 0; i < 5; i++) {
                    long next = app.upgrade();
                    app.awaitGone(previous, 30);
                    assertEquals(3, AdminListenerIT.listenersHeldBy(next), "gen " + (i + 2) + " holds the three listeners");
                    previous = next;
                }
                admin.interrupt();
                admin.join(10_000);
                http.close();
                https.close();
                System.out.println("ListenersIT: HTTP " + http.summary() + "; HTTPS " + https.summary() + "; admin probes "
                        + probes.get());
                assertEquals(0, http.failed() + http.non2xx(), "HTTP: " + http.summary() + "\n" + app.tail());
                assertEquals(0, https.failed() + https.non2xx(), "HTTPS: " + https.summary() + "\n" + app.tail());
                assertEquals(null, probeFailure.get(), "admin: " + probes + " probes\n" + app.tail());
                assertTrue(http.ok() > 200 && https.ok() > 200 && probes.get() > 50,
                        "load on each: " + http.summary() + " / " + https.summary() + " / admin probes " + probes);
                List<String> served = https.answers().keySet().stream().sorted().toList();
                assertTrue(served.stream().anyMatch(answer -> answer.startsWith("gen 6 ")), "HTTPS reached gen 6: " + served);
            }
        }
    }
}
