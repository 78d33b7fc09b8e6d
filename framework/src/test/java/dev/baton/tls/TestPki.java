package dev.baton.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real certificates for the tests, made at test time by the JDK's keytool: a CA, an RSA and an EC server
 * certificate it issued for localhost and 127.0.0.1, an expired and a not-yet-valid one. Private keys are written
 * as certbot writes them (PKCS#8 PEM); openssl, where installed, makes the other forms. Other packages' TLS tests
 * (HTTP/2, WebSockets over HTTPS) serve its RSA keystore too.
 */
public final class TestPki {
    public static final String PASSWORD = "test-pass";

    final Path dir;
    final Path caPem;
    final Path caKey;
    /** RSA: the server's certificate then the CA's (certbot's fullchain.pem), its key, and a keystore of both. */
    final Path rsaFullchain;
    final Path rsaLeaf;
    final Path rsaKey;
    public final Path rsaStore;
    public final Path passwordFile;
    final Path ecFullchain;
    final Path ecKey;
    final Path expiredCert;
    final Path expiredKey;
    final Path futureCert;
    final Path futureKey;

    private static TestPki shared;

    /** Made once per test JVM (keytool takes some 10 s for all of it), deleted when the JVM exits. */
    public static synchronized TestPki shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("baton-tls-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            shared = new TestPki(dir);
        }
        return shared;
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is all it costs.
        }
    }

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Baton Test CA",
                "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12");
        caPem = writeCertificates("ca.pem", "ca.p12", "ca");
        caKey = writeKey("ca-key.pem", "ca.p12", "ca");

        issue("rsa", "RSA", "2048");
        keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-noprompt", "-keystore", "rsa.p12");
        keytool("-importcert", "-alias", "server", "-file", "rsa-cert.pem", "-keystore", "rsa.p12");
        rsaLeaf = dir.resolve("rsa-cert.pem");
        rsaFullchain = concat("rsa-fullchain.pem", rsaLeaf, caPem);
        rsaKey = writeKey("rsa-key.pem", "rsa.p12", "server");
        rsaStore = dir.resolve("rsa.p12");
        passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");

        issue("ec", "EC", "256");
        ecFullchain = concat("ec-fullchain.pem", dir.resolve("ec-cert.pem"), caPem);
        ecKey = writeKey("ec-key.pem", "ec.p12", "server");

        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=expired",
                "-startdate", "-10d", "-validity", "1", "-keystore", "expired.p12");
        expiredCert = writeCertificates("expired.pem", "expired.p12", "server");
        expiredKey = writeKey("expired-key.pem", "expired.p12", "server");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=future",
                "-startdate", "+10d", "-validity", "30", "-keystore", "future.p12");
        futureCert = writeCertificates("future.pem", "future.p12", "server");
        futureKey = writeKey("future-key.pem", "future.p12", "server");
    }

    /** A key pair in {@code <name>.p12}, and {@code <name>-cert.pem}: its certificate, issued by the CA. */
    private void issue(String name, String algorithm, String size) throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", algorithm, "-keysize", size, "-dname", "CN=localhost",
                "-validity", "30", "-keystore", name + ".p12");
        keytool("-certreq", "-alias", "server", "-file", name + ".csr", "-keystore", name + ".p12");
        keytool("-gencert", "-alias", "ca", "-infile", name + ".csr", "-outfile", name + "-cert.pem", "-rfc",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore", "ca.p12");
    }

    private void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        run(dir, command.toArray(new String[0]));
    }

    /** Runs a command in {@code dir}, at most 60 s; fails unless it exits 0. Returns what it printed. */
    static String run(Path dir, String... command) throws Exception {
        Path output = Files.createTempFile(dir, "out", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": still running after 60 s");
        }
        String printed = Files.readString(output);
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed: " + printed);
        return printed;
    }

    static boolean installed(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }

    private KeyStore load(String store) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve(store))) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private Path writeCertificates(String file, String store, String alias) throws Exception {
        X509Certificate certificate = (X509Certificate) load(store).getCertificate(alias);
        return Files.writeString(dir.resolve(file), pem("CERTIFICATE", certificate.getEncoded()));
    }

    /** The entry's private key as PKCS#8 PEM, as certbot's privkey.pem. */
    private Path writeKey(String file, String store, String alias) throws Exception {
        Key key = load(store).getKey(alias, PASSWORD.toCharArray());
        assertEquals("PKCS#8", key.getFormat());
        return Files.writeString(dir.resolve(file), pem("PRIVATE KEY", key.getEncoded()));
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    Path concat(String file, Path... parts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path part : parts) {
            text.append(Files.readString(part, StandardCharsets.US_ASCII));
        }
        return Files.writeString(dir.resolve(file), text);
    }

    /** A client context that trusts the test CA only. */
    public SSLContext clientTrustingCa() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", load("ca.p12").getCertificate("ca"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A plain JDK server context with the RSA keystore: what a server without Baton's policy would accept. */
    SSLContext jdkDefaultServer() throws Exception {
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load("rsa.p12"), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    static void assertOneLine(String message) {
        assertTrue(message.indexOf('\n') < 0 && message.indexOf('\r') < 0, message);
    }
}
