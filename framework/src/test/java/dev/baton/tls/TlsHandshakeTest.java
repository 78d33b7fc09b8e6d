package dev.baton.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.undertow.Undertow;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real handshakes on 127.0.0.1 with Undertow serving {@link TlsMaterial#sslContext()}: what modern clients get, and
 * that what the policy leaves out is refused where a server with the JDK's defaults accepts it.
 */
class TlsHandshakeTest {
    static TestPki pki;
    static final List<Undertow> servers = new ArrayList<>();
    static int rsaPort;
    static int ecPort;

    @BeforeAll
    static void serve() throws Exception {
        pki = TestPki.shared();
        rsaPort = serve(TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).sslContext());
        ecPort = serve(TlsMaterial.fromPem(pki.ecFullchain, pki.ecKey).sslContext());
    }

    @AfterAll
    static void stop() {
        for (Undertow server : servers) {
            server.stop();
        }
    }

    static int serve(SSLContext context) {
        Undertow server = Undertow.builder().setIoThreads(1).setWorkerThreads(1)
                .addHttpsListener(0, "127.0.0.1", context)
                .setHandler(exchange -> exchange.getResponseSender().send("hello over TLS"))
                .build();
        server.start();
        servers.add(server);
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Test
    void aModernClientGetsTls13AndTheWholeChain() throws Exception {
        HttpResponse<String> response = get(rsaPort, null);
        assertEquals(200, response.statusCode());
        assertEquals("hello over TLS", response.body());
        assertEquals("TLSv1.3", response.sslSession().orElseThrow().getProtocol());
        // The client trusts the CA only: the handshake passed because the server sent the CA certificate too.
        assertEquals(2, response.sslSession().orElseThrow().getPeerCertificates().length);
    }

    @Test
    void aTls12ClientGetsEcdheWithAesGcm() throws Exception {
        SSLParameters tls12 = new SSLParameters();
        tls12.setProtocols(new String[] {"TLSv1.2"});
        HttpResponse<String> rsa = get(rsaPort, tls12);
        assertEquals("TLSv1.2", rsa.sslSession().orElseThrow().getProtocol());
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", rsa.sslSession().orElseThrow().getCipherSuite());
        HttpResponse<String> ec = get(ecPort, tls12);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ec.sslSession().orElseThrow().getCipherSuite());
    }

    @Test
    void aClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
        SSLParameters cbc = new SSLParameters();
        cbc.setProtocols(new String[] {"TLSv1.2"});
        cbc.setCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                "TLS_RSA_WITH_AES_128_GCM_SHA256"});
        assertThrows(IOException.class, () -> get(rsaPort, cbc));
        // The control: the JDK's own defaults would have served this client.
        int jdkDefaults = serve(pki.jdkDefaultServer());
        String suite = get(jdkDefaults, cbc).sslSession().orElseThrow().getCipherSuite();
        assertTrue(suite.startsWith("TLS_ECDHE_RSA_WITH_AES_") && suite.contains("_CBC_"), suite);
    }

    @Test
    void aTls11ClientHelloGetsAFatalAlert() throws Exception {
        // The JDK's clients cannot offer TLS 1.1 any more (java.security disables it), so the hello is written by hand.
        try (Socket socket = new Socket("127.0.0.1", rsaPort)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int contentType = in.readUnsignedByte();
            in.readUnsignedShort(); // record version
            int length = in.readUnsignedShort();
            assertEquals(21, contentType, "an alert record, not a ServerHello (22)");
            assertEquals(2, length);
            assertEquals(2, in.readUnsignedByte(), "fatal");
            assertEquals(70, in.readUnsignedByte(), "protocol_version");
        }
    }

    @Test
    void applicationProtocolsCanBeOffered() throws Exception {
        int alpn = serve(TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).sslContext(TlsPolicy.defaults().withApplicationProtocols("http/1.1")));
        assertEquals("http/1.1", negotiatedApplicationProtocol(alpn));
        assertEquals("", negotiatedApplicationProtocol(rsaPort), "none unless asked for");
    }

    @Test
    void curlTrustingTheCa() throws Exception {
        assumeTrue(TestPki.installed("curl"), "curl is not installed");
        String body = TestPki.run(pki.dir, "curl", "-sS", "--max-time", "10", "--cacert", pki.caPem.toString(), "https://127.0.0.1:" + rsaPort + "/");
        assertEquals("hello over TLS", body);
        String ec = TestPki.run(pki.dir, "curl", "-sS", "--max-time", "10", "--tlsv1.2", "--tls-max", "1.2", "--cacert", pki.caPem.toString(),
                "-w", " %{ssl_verify_result}", "https://127.0.0.1:" + ecPort + "/");
        assertEquals("hello over TLS 0", ec);
    }

    private static String negotiatedApplicationProtocol(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) pki.clientTrustingCa().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getApplicationProtocol();
        }
    }

    private static HttpResponse<String> get(int port, SSLParameters parameters) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(pki.clientTrustingCa()).connectTimeout(Duration.ofSeconds(5));
        if (parameters != null) {
            builder.sslParameters(parameters);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build();
        return builder.build().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A TLS 1.1 ClientHello: no extensions, two suites a TLS 1.1 server would take. */
    private static byte[] tls11ClientHello() {
        byte[] body = new byte[2 + 32 + 1 + 2 + 4 + 2];
        int i = 0;
        body[i++] = 3;
        body[i++] = 2; // TLS 1.1
        i += 32; // random: zeros do for a refusal
        body[i++] = 0; // no session id
        body[i++] = 0;
        body[i++] = 4;
        body[i++] = (byte) 0xc0;
        body[i++] = 0x13; // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
        body[i++] = 0x00;
        body[i++] = 0x2f; // TLS_RSA_WITH_AES_128_CBC_SHA
        body[i++] = 1;
        body[i] = 0; // no compression
        byte[] record = new byte[5 + 4 + body.length];
        record[0] = 22; // handshake
        record[1] = 3;
        record[2] = 2;
        record[3] = (byte) ((4 + body.length) >> 8);
        record[4] = (byte) (4 + body.length);
        record[5] = 1; // ClientHello
        record[6] = 0;
        record[7] = (byte) (body.length >> 8);
        record[8] = (byte) body.length;
        System.arraycopy(body, 0, record, 9, body.length);
        return record;
    }
}
