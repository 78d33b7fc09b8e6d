package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code baton.https} with certbot-style PEM files made by openssl: HTTPS answers beside HTTP; a renewed
 * certificate goes into service with SIGUSR2 alone (no new jar) while HTTPS clients on fresh connections, back to
 * back, never fail; a broken one fails the upgrade with the file and the reason, and the old certificate serves on.
 */
class HttpsIT {

    @Test
    void aRenewedCertificateIsAnUpgradeAndABrokenOneIsRefused() throws Exception {
        int httpsPort = Deployment.freePort();
        try (Deployment app = new Deployment()) {
            Path tls = Files.createDirectories(app.dir.resolve("tls"));
            Path cert = tls.resolve("fullchain.pem");
            Path key = tls.resolve("privkey.pem");
            String first = renew(tls, "first", cert, key);
            app.start("-Dbaton.https=127.0.0.1:" + httpsPort, "-Dbaton.tlsCert=" + cert, "-Dbaton.tlsKey=" + key);
            long gen1 = app.currentPid();
            app.awaitLog("gen=1 pid=" + gen1 + " https listener on 127.0.0.1:" + httpsPort + " (bound): CN=first", 10);
            Answer answer = https(httpsPort);
            assertTrue(answer.text().startsWith("HTTP/1.1 200 ") && answer.text().contains("gen 1 pid " + gen1), answer.text());
            assertEquals(first, answer.certificate());
            assertTrue(answer.protocol().equals("TLSv1.3"), answer.protocol());

            AtomicInteger served = new AtomicInteger();
            AtomicReference<String> failure = new AtomicReference<>();
            Thread clients = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (failure.get() == null && !Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                    try {
                        String text = https(httpsPort).text();
                        if (!text.startsWith("HTTP/1.1 200 ")) {
                            failure.set(text);
                        }
                        served.incrementAndGet();
                    } catch (Exception e) {
                        failure.set(e.toString());
                    }
                }
            }, "https clients");
            clients.start();

            String second = renew(tls, "second", cert, key); // certbot renews in place; its hook reloads
            long gen2 = app.upgrade();
            app.awaitLog("gen=2 pid=" + gen2 + " https listener on 127.0.0.1:" + httpsPort + " (inherited from gen 1 pid "
                    + gen1 + "): CN=second", 10);
            app.await(() -> second.equals(certificateOrNull(httpsPort)), 10, "the renewed certificate to serve");

            // a key that is not the certificate's: refused, and the renewed certificate serves on
            Path otherKey = tls.resolve("other.pem");
            TestTls.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey.toString());
            Files.move(otherKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            app.signal(gen2, "USR2");
            app.awaitLog("gen=2 pid=" + gen2 + " upgrade failed: ", 60);
            String failed = app.logText().lines().filter(line -> line.contains("upgrade failed: ")).reduce((a, b) -> b).orElse("");
            assertTrue(failed.contains(key.toString()), failed);
            app.awaitGone(gen1, 30);
            // Each request is a whole TLS handshake: on a busy machine a few a second. Some more after all that, by
            // count rather than time.
            int before = served.get();
            app.await(() -> served.get() >= before + 10 || failure.get() != null, 30, "10 more HTTPS requests");
            clients.interrupt();
            clients.join(10_000);
            assertEquals(null, failure.get(), "an HTTPS request failed\n" + app.tail());
            assertTrue(served.get() > 20, "HTTPS requests served: " + served.get());
            assertEquals(gen2, app.currentPid());
            assertEquals(second, https(httpsPort).certificate());
        }
    }

    private record Answer(String text, String certificate, String protocol) {}

    /** One GET over TLS on a fresh connection: the answer, the SHA-256 of the certificate served, the protocol. */
    private static Answer https(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trustingAny().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(text, fingerprint(served), socket.getSession().getProtocol());
        }
    }

    private static String certificateOrNull(int port) {
        try {
            return https(port).certificate();
        } catch (Exception e) {
            return null;
        }
    }

    /** A new key and certificate named {@code name} in place (as certbot renews), and the certificate's SHA-256. */
    private static String renew(Path dir, String name, Path cert, Path key) throws Exception {
        TestTls.selfSigned(name, cert, key);
        var factory = java.security.cert.CertificateFactory.getInstance("X.509");
        try (var in = Files.newInputStream(cert)) {
            return fingerprint((X509Certificate) factory.generateCertificate(in));
        }
    }

    private static String fingerprint(X509Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

}
