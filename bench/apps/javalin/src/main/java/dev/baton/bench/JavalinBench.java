package dev.baton.bench;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The peer of bench/run: Javalin (Jetty 12) on its defaults, answering the same bytes as the Baton app.
 * Javalin's handlers run on Jetty's thread pool and may block, like Baton's default handlers;
 * {@code -Dbench.virtualThreads=true} sets Javalin's {@code config.concurrency.useVirtualThreads} (Java 21+), which
 * runs them on virtual threads. {@code GET /blocking} sleeps 20 ms before it answers (a database call).
 *
 * <p>{@code -Dbench.httpsPort=N -Dbench.tlsCert=cert.pem -Dbench.tlsKey=key.pem} adds an HTTPS connector on the same
 * host through Javalin's own {@code config.jetty.addConnector} (no plugin): Jetty's {@link SslContextFactory.Server}
 * given an {@link SSLContext} built by the JDK alone from the PEM chain and its unencrypted PKCS#8 key, in front of
 * HTTP/1.1 with Javalin's {@link HttpConfiguration} plus a {@link SecureRequestCustomizer} (https scheme; no SNI host
 * check, as the certificate names an IP). Javalin then leaves out its default HTTP connector, so the HTTP one is added
 * the same way.
 *
 * <p>{@code -Dbench.http2=true} (with the HTTPS properties) adds Jetty 12's HTTP/2: the HTTPS connector offers {@code h2}
 * and {@code http/1.1} by ALPN ({@link ALPNServerConnectionFactory} on the JDK's {@code SSLEngine}, then
 * {@link HTTP2ServerConnectionFactory} or HTTP/1.1), and the HTTP connector also takes h2c
 * ({@link HTTP2CServerConnectionFactory}: prior knowledge and {@code Upgrade: h2c}).
 */
public final class JavalinBench {

    /** The JSON body: {@code {"message":"Hello, World!"}} (Javalin's default mapper is Jackson). */
    public record Message(String message) {}

    private JavalinBench() {}

    public static void main(String[] args) {
        String host = System.getProperty("bench.host", "127.0.0.1");
        int port = Integer.getInteger("bench.port", 8080);
        Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = Boolean.getBoolean("bench.virtualThreads");
            Integer httpsPort = Integer.getInteger("bench.httpsPort");
            boolean http2 = Boolean.getBoolean("bench.http2");
            if (httpsPort != null) {
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setSslContext(sslContext(Path.of(System.getProperty("bench.tlsCert")), Path.of(System.getProperty("bench.tlsKey"))));
                // Javalin adds its own HTTP connector only when none is configured: this one is what it would add
                config.jetty.addConnector((server, httpConfiguration) -> {
                    ServerConnector connector = http2
                            ? new ServerConnector(server, new HttpConnectionFactory(httpConfiguration),
                                    new HTTP2CServerConnectionFactory(httpConfiguration))
                            : new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                });
                config.jetty.addConnector((server, httpConfiguration) -> {
                    HttpConfiguration https = new HttpConfiguration(httpConfiguration);
                    https.addCustomizer(new SecureRequestCustomizer(false));
                    ConnectionFactory[] factories;
                    if (http2) {
                        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
                        alpn.setDefaultProtocol(HttpVersion.HTTP_1_1.asString());
                        factories = new ConnectionFactory[] {new SslConnectionFactory(tls, alpn.getProtocol()), alpn,
                                new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https)};
                    } else {
                        factories = new ConnectionFactory[] {new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                                new HttpConnectionFactory(https)};
                    }
                    ServerConnector connector = new ServerConnector(server, factories);
                    connector.setHost(host);
                    connector.setPort(httpsPort);
                    return connector;
                });
            }
            config.routes.get("/plaintext", ctx -> ctx.contentType("text/plain; charset=utf-8").result("Hello, World!"));
            config.routes.get("/json", ctx -> ctx.json(new Message("Hello, World!")));
            config.routes.get("/blocking", ctx -> {
                Thread.sleep(20);
                ctx.contentType("text/plain; charset=utf-8").result("Hello, World!");
            });
        }).start(host, port);
    }

    /** A TLS context serving the PEM chain {@code cert} with the PKCS#8 PEM key {@code key} (JDK defaults otherwise). */
    static SSLContext sslContext(Path cert, Path key) {
        try {
            Certificate[] chain;
            try (InputStream in = Files.newInputStream(cert)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
            }
            String pem = Files.readString(key, StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
            String algorithm = chain[0].getPublicKey().getAlgorithm();
            PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(spec);
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, chain);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot read the TLS material " + cert + ", " + key + ": " + e, e);
        }
    }
}
