package dev.baton.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.testing.BatonTest;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * WebSockets over the HTTPS listener (wss:), which offers h2 and HTTP/1.1 by ALPN: the handshake is HTTP/1.1 (RFC
 * 6455), the socket works as on plain HTTP, and a stop closes it with 1012 as a drain does.
 */
class WssTest {

    private static final String PASSWORD = "test-pass";

    @Test
    void aWebSocketOverHttpsWorksAndIsClosedWith1012ByTheDrain() throws Exception {
        Path dir = Files.createTempDirectory("baton-wss-test");
        Path store = dir.resolve("server.p12");
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, out);
        int httpsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            httpsPort = free.getLocalPort();
        }
        Baton app = Baton.create(BatonTest.config().with("https", "127.0.0.1:" + httpsPort)
                .with("tlsKeystore", store.toString()).with("tlsKeystorePasswordFile", password.toString())
                .with("wsCloseSpread", "0s"));
        app.ws("/echo", ws -> {
            ws.onConnect(c -> c.send("hello over wss"));
            ws.onMessage((c, text) -> c.send("echo " + text));
        });
        app.start();
        try {
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(store)).connectTimeout(Duration.ofSeconds(5)).build();
            WsTest.Client client = WsTest.Client.open(http, URI.create("wss://127.0.0.1:" + httpsPort + "/echo"), true);
            assertEquals("hello over wss", client.next());
            client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertEquals("echo hi", client.next());
            Thread stop = new Thread(app::stop);
            stop.start();
            assertEquals("close 1012 Service Restart", client.next());
            stop.join(10_000);
        } finally {
            app.stop();
            Files.delete(store);
            Files.delete(password);
            Files.delete(dir);
        }
    }

    private static SSLContext trusting(Path store) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }
}
