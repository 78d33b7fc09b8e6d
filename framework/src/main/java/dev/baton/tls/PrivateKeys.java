package dev.baton.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * The private key of a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}, what certbot writes), or OpenSSL's traditional
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}) forms, which older tools
 * and CAs still hand out and which are wrapped into PKCS#8 here. RSA and EC only: what browsers accept in server
 * certificates. Encrypted keys are refused: a server that starts unattended (and again at each upgrade) has nobody
 * to type a passphrase; a key that must be encrypted at rest goes into a PKCS#12 keystore with a password file.
 */
final class PrivateKeys {
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1_RSA = "RSA PRIVATE KEY";
    private static final String SEC1_EC = "EC PRIVATE KEY";
    private static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

    private PrivateKeys() {
    }

    static PrivateKey read(Path file) {
        List<Pem.Block> blocks = Pem.read(file);
        Pem.Block key = null;
        for (Pem.Block block : blocks) {
            // A combined file (key and certificates, as HAProxy takes them) may be both the cert and the key setting;
            // "EC PARAMETERS", which openssl ecparam -genkey writes above the key, says nothing the key does not.
            if (block.label().endsWith(PKCS8)) {
                if (key != null) {
                    throw new TlsException(file, "holds more than one private key (PEM blocks " + key.number() + " and " + block.number() + ")");
                }
                key = block;
            }
        }
        if (key == null) {
            throw new TlsException(file, "no private key in it (expected a PEM block -----BEGIN PRIVATE KEY-----, as certbot's privkey.pem); it has "
                    + Pem.labels(blocks));
        }
        if (key.label().equals(ENCRYPTED_PKCS8) || key.encrypted()) {
            throw new TlsException(file, "the private key is encrypted; Baton reads unencrypted keys only: decrypt it with"
                    + " openssl pkey -in " + file.getFileName() + " -out <new file> (readable by Baton's user only),"
                    + " or put key and certificate into a PKCS#12 keystore with a password file");
        }
        try {
            return switch (key.label()) {
                case PKCS8 -> generate(file, algorithm(key.der()), key.der());
                case PKCS1_RSA -> generate(file, "RSA", Der.pkcs8(rsaAlgorithm(), key.der()));
                case SEC1_EC -> generate(file, "EC", Der.pkcs8(ecAlgorithm(key.der()), key.der()));
                default -> throw new TlsException(file, "holds a private key of a form Baton does not read (" + key.label()
                        + "); convert it with openssl pkey -in " + file.getFileName() + " -out <new file>, which writes PKCS#8");
            };
        } catch (IllegalArgumentException e) {
            throw new TlsException(file, "the private key (" + key.label() + ") is damaged: " + e.getMessage(), e);
        }
    }

    /** The KeyFactory algorithm of a PKCS#8 key, from the OID of its AlgorithmIdentifier. */
    private static String algorithm(byte[] pkcs8) {
        Der.Element info = Der.read(pkcs8, Der.SEQUENCE);
        Der.Element version = info.first();
        Der.expect(version, Der.INTEGER);
        Der.Element algorithm = version.next(info.end());
        Der.expect(algorithm, Der.SEQUENCE);
        Der.Element oid = algorithm.first();
        Der.expect(oid, Der.OID);
        byte[] id = oid.contents();
        if (Arrays.equals(id, Der.RSA_ENCRYPTION)) {
            return "RSA";
        }
        if (Arrays.equals(id, Der.EC_PUBLIC_KEY)) {
            return "EC";
        }
        return null;
    }

    private static byte[] rsaAlgorithm() {
        return Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, Der.RSA_ENCRYPTION), Der.tlv(Der.NULL));
    }

    /**
     * SEC1 ECPrivateKey (RFC 5915): version 1, the private value, then the curve as [0] and the public point as
     * [1], both optional. PKCS#8 wants the curve in the AlgorithmIdentifier, so it must be there.
     */
    private static byte[] ecAlgorithm(byte[] sec1) {
        Der.Element key = Der.read(sec1, Der.SEQUENCE);
        for (Der.Element e = key.first(); e != null; e = e.next(key.end())) {
            if (e.tag() == Der.CONTEXT_0) {
                // A named curve, the one OID [0] holds; explicit curve parameters are for no TLS client.
                Der.expect(e.first(), Der.OID);
                return Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, Der.EC_PUBLIC_KEY), e.contents());
            }
        }
        throw new IllegalArgumentException("it names no curve");
    }

    private static PrivateKey generate(Path file, String algorithm, byte[] pkcs8) {
        if (algorithm == null) {
            throw new TlsException(file, "the private key is neither RSA nor EC, the keys browsers accept in server certificates");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new TlsException(file, "the private key (" + algorithm + ") is damaged: " + e.getMessage(), e);
        }
    }
}
