package dev.baton.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSLContext whose every engine carries a {@link TlsPolicy}. An SSLContext's own defaults cannot be narrowed
 * (only java.security could, for the whole JVM), and Undertow applies its protocol and suite options only when
 * they are set: put into the context, the policy holds however the context is wired, and Undertow's options can
 * still narrow it. The engines are the JDK's own, so ALPN (HTTP/2) works on them as on any other.
 */
final class PolicyContext extends SSLContext {

    private PolicyContext(SSLContext delegate, TlsPolicy policy) {
        super(new Spi(delegate, policy), delegate.getProvider(), delegate.getProtocol());
    }

    /** {@code delegate}, initialised, with {@code policy} on every engine it makes. */
    static SSLContext wrap(SSLContext delegate, TlsPolicy policy) {
        return new PolicyContext(delegate, policy);
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final TlsPolicy policy;

        Spi(SSLContext delegate, TlsPolicy policy) {
            this.delegate = delegate;
            this.policy = policy;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) throws KeyManagementException {
            throw new KeyManagementException("Baton's TLS context comes initialised with its certificate");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return policy.applyTo(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return policy.applyTo(delegate.createSSLEngine(host, port));
        }

        // Sockets would have to be wrapped too (a dozen factory methods) for the policy to hold on them; Undertow and
        // the JDK's HttpClient use engines only, so sockets are refused rather than handed out without the policy.
        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("Baton's TLS context makes SSLEngines only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("Baton's TLS context makes SSLEngines only");
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return policy.applyTo(delegate.getDefaultSSLParameters(), delegate.getSupportedSSLParameters().getCipherSuites());
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
