package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS for the HTTPS tests: certificates made by openssl, as certbot's files are, and a client that takes any. */
final class TestTls {

    private TestTls() {}

    /**
     * A new EC key and a self-signed certificate for 127.0.0.1 with the common name {@code name}, written to
     * {@code key} and {@code cert} by rename (whoever reads them finds the old pair or the new one).
     */
    static void selfSigned(String name, Path cert, Path key) throws Exception {
        Path newKey = key.resolveSibling(name + "-key.pem.tmp");
        Path newCert = cert.resolveSibling(name + "-cert.pem.tmp");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", newKey.toString(),
                "-out", newCert.toString());
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl " + String.join(" ", args) + ":\n" + out);
    }

    /** A client context that trusts whatever the server sends: the tests compare the certificate itself. */
    static SSLContext trustingAny() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
