package dev.baton.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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

/**
 * The floor of bench/run: a plain Undertow {@link HttpHandler} on {@code Undertow.builder()} defaults (IO threads =
 * cores, workers = 8 per IO thread, as Baton), no router, answering the same bytes as the Baton app. By default the
 * handler runs on the IO thread; {@code -Dbench.dispatch=true} wraps it in Undertow's {@link BlockingHandler}
 * (dispatch to a worker + blocking mode), which is what Baton does for a default (blocking) handler.
 * {@code GET /blocking} sleeps 20 ms before it answers (a database call); on the IO thread it first dispatches itself
 * to a worker, as an Undertow handler that blocks must.
 *
 * <p>{@code -Dbench.httpsPort=N -Dbench.tlsCert=cert.pem -Dbench.tlsKey=key.pem} adds an HTTPS listener on the same
 * host ({@code addHttpsListener} with an {@link SSLContext} built by the JDK alone from the PEM chain and its unencrypted
 * PKCS#8 key, EC or RSA), serving the same handler: the JDK's default TLS protocols and suites.
 *
 * <p>{@code -Dbench.http2=true} sets {@link UndertowOptions#ENABLE_HTTP2} on the server: the HTTPS listener then offers
 * {@code h2} and {@code http/1.1} by ALPN, and the HTTP listener also takes h2c (prior knowledge and
 * {@code Upgrade: h2c}).
 */
public final class UndertowBench {

    /** The JSON body: {@code {"message":"Hello, World!"}}. */
    public record Message(String message) {}

    /** Built on first use, as Baton's default mapper is: Jackson's classes are not part of the start-up. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private UndertowBench() {}

    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging, which picks java.util.logging unless told; Baton points it at
        // SLF4J (slf4j-simple here as there), so both start with the same logging.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        String host = System.getProperty("bench.host", "127.0.0.1");
        int port = Integer.getInteger("bench.port", 8080);
        HttpHandler handler = UndertowBench::handle;
        if (Boolean.getBoolean("bench.dispatch")) {
            handler = new BlockingHandler(handler);
        }
        Undertow.Builder builder = Undertow.builder().addHttpListener(port, host).setHandler(handler);
        boolean http2 = Boolean.getBoolean("bench.http2");
        if (http2) {
            builder.setServerOption(UndertowOptions.ENABLE_HTTP2, true);
        }
        Integer httpsPort = Integer.getInteger("bench.httpsPort");
        if (httpsPort != null) {
            builder.addHttpsListener(httpsPort, host, sslContext(
                    Path.of(System.getProperty("bench.tlsCert")), Path.of(System.getProperty("bench.tlsKey"))));
        }
        Undertow server = builder.build();
        server.start();
        System.out.println("undertow listening on " + host + ":" + port + (httpsPort == null ? "" : ", https on " + httpsPort)
                + (http2 ? ", HTTP/2 enabled" : ""));
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

    private static void blocking(HttpServerExchange exchange) throws InterruptedException {
        Thread.sleep(20);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("Hello, World!");
    }

    private static void handle(HttpServerExchange exchange) throws JsonProcessingException, InterruptedException {
        switch (exchange.getRequestPath()) {
            case "/plaintext" -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getResponseSender().send("Hello, World!");
            }
            case "/json" -> {
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                exchange.getResponseSender().send(ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(new Message("Hello, World!"))));
            }
            case "/blocking" -> {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(UndertowBench::blocking);
                } else {
                    blocking(exchange);
                }
            }
            default -> exchange.setStatusCode(404).endExchange();
        }
    }
}
