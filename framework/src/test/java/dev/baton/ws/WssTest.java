package dev.baton.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.Baton;
import dev.baton.testing.BatonTest;
import dev.baton.tls.TestPki;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * WebSockets over the HTTPS listener (wss:), which offers h2 and HTTP/1.1 by ALPN: the handshake is HTTP/1.1 (RFC
 * 6455), the socket works as on plain HTTP, and a stop closes it with 1012 as a drain does.
 */
class WssTest {

    @Test
    void aWebSocketOverHttpsWorksAndIsClosedWith1012ByTheDrain() throws Exception {
        TestPki pki = TestPki.shared();
        int httpsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            httpsPort = free.getLocalPort();
        }
        Baton app = Baton.create(BatonTest.config().with("https", "127.0.0.1:" + httpsPort)
                .with("tlsKeystore", pki.rsaStore.toString()).with("tlsKeystorePasswordFile", pki.passwordFile.toString())
                .with("wsCloseSpread", "0s"));
        app.ws("/echo", ws -> {
            ws.onConnect(c -> c.send("hello over wss"));
            ws.onMessage((c, text) -> c.send("echo " + text));
        });
        app.start();
        try {
            HttpClient http = HttpClient.newBuilder().sslContext(pki.clientTrustingCa()).connectTimeout(Duration.ofSeconds(5)).build();
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
        }
    }
}
