package dev.baton.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * What Baton's TLS speaks, whatever the JVM's java.security allows: TLS 1.3 and 1.2 only, and on TLS 1.2 only
 * ECDHE (forward secrecy) with an AEAD cipher (AES-GCM, ChaCha20-Poly1305): Mozilla's "intermediate"
 * configuration less its DHE suites (slow, and left to clients too old for ECDHE, which no browser is), in
 * Mozilla's order. The server's order picks the suite (the JDK's default since 13, set here so that it stays so):
 * all of them are strong, so this only keeps the choice predictable.
 *
 * <p>Immutable; {@link #withApplicationProtocols} names ALPN protocols (HTTP/2 is "h2").
 */
public final class TlsPolicy {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final List<String> CIPHER_SUITES = List.of(
            // TLS 1.3: all three of its suites are AEAD with forward secrecy.
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            // TLS 1.2: ECDSA certificates use the first of each pair, RSA ones the second.
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final TlsPolicy DEFAULTS = new TlsPolicy(List.of());

    private final List<String> applicationProtocols;

    private TlsPolicy(List<String> applicationProtocols) {
        this.applicationProtocols = applicationProtocols;
    }

    /** TLS 1.3 and 1.2, ECDHE with AEAD ciphers, no ALPN. */
    public static TlsPolicy defaults() {
        return DEFAULTS;
    }

    /** A copy that offers these ALPN protocols, preferred first (for HTTP/2: "h2", "http/1.1"). */
    public TlsPolicy withApplicationProtocols(String... protocols) {
        return new TlsPolicy(List.of(protocols));
    }

    public List<String> protocols() {
        return PROTOCOLS;
    }

    /** The policy's suites, TLS 1.3's first, in the order the server prefers them. */
    public List<String> cipherSuites() {
        return CIPHER_SUITES;
    }

    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** Sets the policy on an engine, before its handshake; the rest of its parameters (client auth...) stay. */
    SSLEngine applyTo(SSLEngine engine) {
        engine.setSSLParameters(applyTo(engine.getSSLParameters(), engine.getSupportedCipherSuites()));
        return engine;
    }

    /** {@code parameters} with the policy's protocols, suites, order and ALPN protocols. */
    SSLParameters applyTo(SSLParameters parameters, String[] supportedSuites) {
        parameters.setProtocols(PROTOCOLS.toArray(new String[0]));
        // A JVM without one of them (ChaCha20 in some FIPS set-ups) serves with the others.
        List<String> supported = Arrays.asList(supportedSuites);
        List<String> suites = new ArrayList<>(CIPHER_SUITES.size());
        for (String suite : CIPHER_SUITES) {
            if (supported.contains(suite)) {
                suites.add(suite);
            }
        }
        parameters.setCipherSuites(suites.toArray(new String[0]));
        parameters.setUseCipherSuitesOrder(true);
        if (!applicationProtocols.isEmpty()) {
            parameters.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        return parameters;
    }
}
