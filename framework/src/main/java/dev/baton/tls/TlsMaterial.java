package dev.baton.tls;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server certificate chain and its private key, read and checked once, when a generation starts: renewing a
 * certificate is an upgrade, and a file that is missing, broken, expired or for another key fails that upgrade
 * with a {@link TlsException} while the old generation keeps serving the certificate it read.
 *
 * <p>An expired certificate (or one not valid yet) is an error, not a warning: every client refuses it, so serving
 * it is an outage of the HTTPS listener, and at an upgrade the likelier cause is a wrong path or a restored backup
 * while the old generation still serves a valid one, which refusing keeps serving.
 */
public final class TlsMaterial {
    private static final String CERTIFICATE = "CERTIFICATE";
    // The in-memory keystore handed to the KeyManagerFactory wants one; it never leaves the process.
    private static final char[] IN_MEMORY = "baton".toCharArray();

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<String> warnings;

    private TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<String> warnings) {
        this.chain = chain;
        this.key = key;
        this.warnings = warnings;
    }

    /**
     * From PEM files, as certbot writes them: {@code fullchain.pem} (the server's certificate first, then the
     * CA certificates that issued it) and {@code privkey.pem}; both may be one file.
     */
    public static TlsMaterial fromPem(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = certificates(certificateChain);
        return checked(chain, certificateChain, PrivateKeys.read(privateKey), privateKey, "the certificate in " + certificateChain);
    }

    /** From a PKCS#12 (or JKS) keystore holding one private key and its chain, with one password for both. */
    public static TlsMaterial fromPkcs12(Path keystore, char[] password) {
        Pkcs12.Entry entry = Pkcs12.read(keystore, password);
        return checked(entry.chain(), keystore, entry.key(), keystore, "the certificate of entry '" + entry.alias() + "'");
    }

    /** From a PKCS#12 keystore whose password is in {@code passwordFile} (one line; its line end is not part of it). */
    public static TlsMaterial fromPkcs12(Path keystore, Path passwordFile) {
        char[] password = Pkcs12.password(passwordFile);
        try {
            return fromPkcs12(keystore, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The chain as served: the server's certificate first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The server's certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The SHA-256 fingerprint of the server's certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
            StringBuilder hex = new StringBuilder(digest.length * 3);
            for (byte b : digest) {
                hex.append(hex.length() > 0 ? ":" : "").append(String.format("%02X", b));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** For a start-up log line: whose certificate, until when, which one. */
    public String summary() {
        return certificate().getSubjectX500Principal().getName() + ", valid until "
                + certificate().getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS) + ", SHA-256 " + fingerprint();
    }

    /** What serves but may fail some clients (a chain without its CA certificates), one line each, to be logged. */
    public List<String> warnings() {
        return warnings;
    }

    /** A server SSLContext serving this material under {@link TlsPolicy#defaults()}. */
    public SSLContext sslContext() {
        return sslContext(TlsPolicy.defaults());
    }

    /** A server SSLContext serving this material under {@code policy}; a new one each call. */
    public SSLContext sslContext(TlsPolicy policy) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("baton", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return PolicyContext.wrap(context, policy);
        } catch (GeneralSecurityException | java.io.IOException e) {
            // Only a JVM without the standard providers gets here: the material was checked when read.
            throw new IllegalStateException("cannot make an SSLContext: " + e, e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        List<Pem.Block> blocks = Pem.read(file);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Pem.Block block : blocks) {
                if (block.label().equals(CERTIFICATE)) {
                    try {
                        chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                    } catch (CertificateException e) {
                        throw new TlsException(file, "PEM block " + block.number() + " is not a valid X.509 certificate: " + e.getMessage(), e);
                    }
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 in this JVM", e);
        }
        if (chain.isEmpty()) {
            throw new TlsException(file, "no certificate in it (expected PEM blocks -----BEGIN CERTIFICATE-----, as in certbot's fullchain.pem); it has "
                    + Pem.labels(blocks));
        }
        return List.copyOf(chain);
    }

    /** The checks a PEM pair and a keystore share: dates, and that the key is the certificate's. */
    private static TlsMaterial checked(List<X509Certificate> chain, Path chainFile, PrivateKey key, Path keyFile, String whose) {
        X509Certificate server = chain.get(0);
        String subject = server.getSubjectX500Principal().getName();
        Instant now = Instant.now();
        Instant notBefore = server.getNotBefore().toInstant();
        Instant notAfter = server.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            throw new TlsException(chainFile, "the certificate for " + subject + " expired on " + notAfter + " (serial " + server.getSerialNumber().toString(16) + ")");
        }
        if (now.isBefore(notBefore)) {
            throw new TlsException(chainFile, "the certificate for " + subject + " is not valid before " + notBefore
                    + " (this machine's clock says " + now.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        if (!key.getAlgorithm().equals("RSA") && !key.getAlgorithm().equals("EC")) {
            throw new TlsException(keyFile, "the private key is " + key.getAlgorithm() + "; Baton serves RSA and EC keys, the ones browsers accept");
        }
        if (!matches(key, server.getPublicKey())) {
            String hint = " (certbot: fullchain.pem goes with the privkey.pem beside it)";
            for (int i = 1; i < chain.size(); i++) {
                if (matches(key, chain.get(i).getPublicKey())) {
                    hint = ": it is the key of certificate " + (i + 1) + " of the chain (" + chain.get(i).getSubjectX500Principal().getName()
                            + "); the server's certificate comes first, with its own key";
                    break;
                }
            }
            throw new TlsException(keyFile, "the private key (" + key.getAlgorithm() + ") does not match " + whose + " (" + subject + ", "
                    + server.getPublicKey().getAlgorithm() + ")" + hint);
        }
        List<String> warnings = new ArrayList<>();
        // One certificate that a CA issued: cert.pem instead of fullchain.pem. Browsers often find the intermediate
        // anyway, curl, Java and Android clients do not. Not an error: issued straight by a private root that the
        // clients hold, a lone certificate is right.
        if (chain.size() == 1 && !server.getIssuerX500Principal().equals(server.getSubjectX500Principal())) {
            warnings.add(chainFile + ": holds only the server's certificate, not the CA certificate that issued it ("
                    + server.getIssuerX500Principal().getName() + "); clients that lack it will refuse the connection (certbot: use fullchain.pem, not cert.pem)");
        }
        return new TlsMaterial(chain, key, List.copyOf(warnings));
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: the one check that works alike for RSA and EC. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key the certificate's algorithm cannot use (an EC key on another curve): not its key.
            return false;
        }
    }
}
