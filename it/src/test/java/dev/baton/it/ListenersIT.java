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
 * Three listeners (HTTP with cleartext HTTP/2, HTTPS with HTTP/2, admin) through five upgrades, under load on each:
 * keep-alive HTTP/1.1 clients that never retry on HTTP and on HTTPS, h2load's HTTP/2 streams on both (h2c by prior
 * knowledge on the main listener), probes on fresh connections to the admin listener. Nothing fails on any of them,
 * and each new generation holds exactly the three listeners, its clients' connections and its ready channel.
 */
class ListenersIT {

    @Test
    void threeListenersThroughFiveUpgradesUnderLoadLoseNothing() throws Exception {
        int httpsPort = Deployment.freePort();
        int adminPort = Deployment.freePort();
        try (Deployment app = new Deployment()) {
            Path tls = Files.createDirectories(app.dir.resolve("tls"));
            TestTls.selfSigned("listeners", tls.resolve("fullchain.pem"), tls.resolve("privkey.pem"));
            app.start("-Dbaton.h2c=true", "-Dbaton.https=127.0.0.1:" + httpsPort, "-Dbaton.admin=127.0.0.1:" + adminPort,
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
            String h2c = "http://127.0.0.1:" + app.port();
            String h2 = "https://127.0.0.1:" + httpsPort;
            long gen1 = app.currentPid();
            long gen2 = 0;
            H2loadRounds h2cLoad = new H2loadRounds("h2load h2c", 100, h2c + "/", h2c + "/slow?ms=200");
            H2loadRounds h2Load = new H2loadRounds("h2load https", 100, h2 + "/", h2 + "/slow?ms=200");
            try (h2cLoad; h2Load;
                    KeepAliveClient http = new KeepAliveClient("127.0.0.1", app.port(), 3, 150);
                    KeepAliveClient https = new KeepAliveClient(trusting.getSocketFactory(), "127.0.0.1", httpsPort, 3, 150)) {
                admin.start();
                Thread.sleep(1500);
                long previous = gen1;
                for (int i = 0; i < 5; i++) {
                    long next = app.upgrade();
                    gen2 = i == 0 ? next : gen2;
                    app.awaitGone(previous, 30);
                    ProcSockets.Held held = ProcSockets.heldBy(next);
                    System.out.println("ListenersIT: gen " + (i + 2) + " holds " + held);
                    assertEquals(3, held.listening(), "gen " + (i + 2) + " holds the three listeners: " + held);
                    assertTrue(held.unix() <= 1 && held.other() == 0, "gen " + (i + 2) + " holds no socket beyond its"
                            + " listeners, its clients' connections and its ready channel: " + held);
                    previous = next;
                }
                Thread.sleep(1500);
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
            // How many rounds see a GOAWAY depends on where each 1 s round stands when a drain begins (5 of 5 in two
            // runs, 2 of 5 in a third): that each load met one is what this asks; that none failed, verify asks always.
            System.out.println("ListenersIT: h2load h2c " + h2cLoad.verify(app, 1) + "; https " + h2Load.verify(app, 1));
            String log = app.logText();
            assertTrue(log.contains("gen=1 pid=" + gen1 + " draining") && log.contains("gen=2 pid=" + gen2 + " draining"), app.tail());
            assertTrue(!log.contains("exchanges cut"), "no drain had to cut an exchange\n" + app.tail());
        }
    }
}
