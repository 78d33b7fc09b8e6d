package dev.baton.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Reading certificates and keys in each form Baton takes, and the one-line error for each way they go wrong. */
class TlsMaterialTest {
    static TestPki pki;
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.shared();
        dir = pki.dir;
    }

    @Test
    void certbotsFullchainAndPkcs8KeyRsaAndEc() throws Exception {
        TlsMaterial rsa = TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey);
        assertEquals(2, rsa.chain().size());
        assertEquals("CN=localhost", rsa.certificate().getSubjectX500Principal().getName());
        assertEquals("CN=Baton Test CA", rsa.chain().get(1).getSubjectX500Principal().getName());
        assertEquals(List.of(), rsa.warnings());
        assertTrue(rsa.summary().startsWith("CN=localhost, valid until "), rsa.summary());

        TlsMaterial ec = TlsMaterial.fromPem(pki.ecFullchain, pki.ecKey);
        assertEquals("EC", ec.certificate().getPublicKey().getAlgorithm());
        assertEquals(List.of(), ec.warnings());
    }

    @Test
    void theFingerprintIsTheOneOpensslPrints() throws Exception {
        assumeTrue(TestPki.installed("openssl"), "openssl is not installed");
        String printed = TestPki.run(dir, "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pki.rsaLeaf.toString());
        String fingerprint = TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).fingerprint();
        assertEquals(printed.substring(printed.indexOf('=') + 1).strip(), fingerprint);
    }

    @Test
    void keyAndCertificatesInOneFile() throws Exception {
        Path combined = pki.concat("combined.pem", pki.rsaKey, pki.rsaFullchain);
        assertEquals(2, TlsMaterial.fromPem(combined, combined).chain().size());
    }

    @Test
    void opensslTraditionalFormsPkcs1RsaAndSec1Ec() throws Exception {
        assumeTrue(TestPki.installed("openssl"), "openssl is not installed");
        Path pkcs1 = dir.resolve("rsa-pkcs1.pem");
        TestPki.run(dir, "openssl", "pkey", "-in", pki.rsaKey.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        TlsMaterial.fromPem(pki.rsaFullchain, pkcs1);

        Path sec1 = dir.resolve("ec-sec1.pem");
        TestPki.run(dir, "openssl", "pkey", "-in", pki.ecKey.toString(), "-traditional", "-out", sec1.toString());
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        TlsMaterial.fromPem(pki.ecFullchain, sec1);
        // As openssl ecparam -genkey writes it: the curve's own block above the key.
        String parameters = TestPki.run(dir, "openssl", "ecparam", "-name", "prime256v1");
        Path withParameters = Files.writeString(dir.resolve("ec-sec1-params.pem"), parameters + Files.readString(sec1));
        TlsMaterial.fromPem(pki.ecFullchain, withParameters);
    }

    @Test
    void pkcs12WithAPasswordFile() {
        TlsMaterial material = TlsMaterial.fromPkcs12(pki.rsaStore, pki.passwordFile);
        assertEquals(2, material.chain().size(), "keytool's store holds the chain the CA reply built");
        assertEquals(TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).fingerprint(), material.fingerprint());
    }

    @Test
    void pkcs12Errors() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "not-it\n");
        assertMessage(pki.rsaStore + ": the keystore password is wrong", () -> TlsMaterial.fromPkcs12(pki.rsaStore, wrong));
        assertMessage(pki.rsaFullchain + ": not a PKCS#12 keystore (", () -> TlsMaterial.fromPkcs12(pki.rsaFullchain, pki.passwordFile));
        Path missing = dir.resolve("no-password");
        assertMessage(missing + ": no such file", () -> TlsMaterial.fromPkcs12(pki.rsaStore, missing));
    }

    @Test
    void missingDirectoryEmptyOrGarbageFiles() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertMessage(missing + ": no such file", () -> TlsMaterial.fromPem(missing, pki.rsaKey));
        assertMessage(missing + ": no such file", () -> TlsMaterial.fromPem(pki.rsaFullchain, missing));
        assertMessage(dir + ": is a directory, not a file", () -> TlsMaterial.fromPem(dir, pki.rsaKey));
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertMessage(empty + ": is empty", () -> TlsMaterial.fromPem(empty, pki.rsaKey));

        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "<html>certificate renewed</html>\n");
        assertMessage(garbage + ": no certificate in it (expected PEM blocks -----BEGIN CERTIFICATE-----, as in certbot's fullchain.pem);"
                + " it has no PEM block at all", () -> TlsMaterial.fromPem(garbage, pki.rsaKey));
        assertMessage(garbage + ": no private key in it (expected a PEM block -----BEGIN PRIVATE KEY-----, as certbot's privkey.pem);"
                + " it has no PEM block at all", () -> TlsMaterial.fromPem(pki.rsaFullchain, garbage));
        assertMessage(pki.rsaKey + ": no certificate in it (expected PEM blocks -----BEGIN CERTIFICATE-----, as in certbot's fullchain.pem);"
                + " it has only PRIVATE KEY", () -> TlsMaterial.fromPem(pki.rsaKey, pki.rsaKey));
        assertMessage(pki.rsaFullchain + ": no private key in it (expected a PEM block -----BEGIN PRIVATE KEY-----, as certbot's privkey.pem);"
                + " it has only CERTIFICATE, CERTIFICATE", () -> TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaFullchain));

        String chain = Files.readString(pki.rsaFullchain);
        Path cut = Files.writeString(dir.resolve("cut.pem"), chain.substring(0, chain.length() / 2));
        assertMessage(cut + ": PEM block 1 (CERTIFICATE) has no -----END CERTIFICATE----- line: the file is cut short",
                () -> TlsMaterial.fromPem(cut, pki.rsaKey));
        Path notBase64 = Files.writeString(dir.resolve("not-base64.pem"), "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n");
        assertMessage(notBase64 + ": PEM block 1 (CERTIFICATE) is not valid base64", () -> TlsMaterial.fromPem(notBase64, pki.rsaKey));
        Path notX509 = Files.writeString(dir.resolve("not-x509.pem"), TestPki.pem("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
        assertMessage(notX509 + ": PEM block 1 is not a valid X.509 certificate: ", () -> TlsMaterial.fromPem(notX509, pki.rsaKey));
        Path damagedKey = Files.writeString(dir.resolve("damaged-key.pem"), TestPki.pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
        assertMessage(damagedKey + ": the private key (PRIVATE KEY) is damaged: ", () -> TlsMaterial.fromPem(pki.rsaFullchain, damagedKey));
    }

    @Test
    void aKeyThatIsNotTheCertificates() throws Exception {
        assertMessage(pki.expiredKey + ": the private key (RSA) does not match the certificate in " + pki.rsaFullchain
                        + " (CN=localhost, RSA) (certbot: fullchain.pem goes with the privkey.pem beside it)",
                () -> TlsMaterial.fromPem(pki.rsaFullchain, pki.expiredKey));
        assertMessage(pki.caKey + ": the private key (RSA) does not match the certificate in " + pki.rsaFullchain
                        + " (CN=localhost, RSA): it is the key of certificate 2 of the chain (CN=Baton Test CA); the server's certificate"
                        + " comes first, with its own key", () -> TlsMaterial.fromPem(pki.rsaFullchain, pki.caKey));
        assertMessage(pki.ecKey + ": the private key (EC) does not match the certificate in " + pki.rsaFullchain + " (CN=localhost, RSA)",
                () -> TlsMaterial.fromPem(pki.rsaFullchain, pki.ecKey));
        Path reversed = pki.concat("reversed.pem", pki.caPem, pki.rsaLeaf);
        assertMessage(pki.rsaKey + ": the private key (RSA) does not match the certificate in " + reversed
                        + " (CN=Baton Test CA, RSA): it is the key of certificate 2 of the chain (CN=localhost); the server's certificate"
                        + " comes first, with its own key",
                () -> TlsMaterial.fromPem(reversed, pki.rsaKey));
    }

    @Test
    void encryptedKeysAreRefused() throws Exception {
        String refused = ": the private key is encrypted; Baton reads unencrypted keys only: decrypt it with openssl pkey -in ";
        Path pkcs8 = Files.writeString(dir.resolve("encrypted.pem"), TestPki.pem("ENCRYPTED PRIVATE KEY", encrypt(Files.readString(pki.rsaKey))));
        assertMessage(pkcs8 + refused + "encrypted.pem -out <new file> (readable by Baton's user only), or put key and certificate"
                + " into a PKCS#12 keystore with a password file", () -> TlsMaterial.fromPem(pki.rsaFullchain, pkcs8));
        assumeTrue(TestPki.installed("openssl"), "openssl is not installed");
        Path legacy = dir.resolve("encrypted-legacy.pem");
        TestPki.run(dir, "openssl", "pkey", "-in", pki.rsaKey.toString(), "-traditional", "-aes256", "-passout", "pass:secret",
                "-out", legacy.toString());
        assertTrue(Files.readString(legacy).contains("Proc-Type: 4,ENCRYPTED"));
        assertMessage(legacy + refused + "encrypted-legacy.pem", () -> TlsMaterial.fromPem(pki.rsaFullchain, legacy));
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefused() {
        TlsException expired = assertThrows(TlsException.class, () -> TlsMaterial.fromPem(pki.expiredCert, pki.expiredKey));
        assertTrue(expired.getMessage().startsWith(pki.expiredCert + ": the certificate for CN=expired expired on "), expired.getMessage());
        TlsException future = assertThrows(TlsException.class, () -> TlsMaterial.fromPem(pki.futureCert, pki.futureKey));
        assertTrue(future.getMessage().startsWith(pki.futureCert + ": the certificate for CN=future is not valid before "), future.getMessage());
        assertTrue(future.getMessage().contains("(this machine's clock says "), future.getMessage());
    }

    @Test
    void aChainWithoutItsCaCertificateServesWithAWarning() {
        TlsMaterial material = TlsMaterial.fromPem(pki.rsaLeaf, pki.rsaKey);
        assertEquals(List.of(pki.rsaLeaf + ": holds only the server's certificate, not the CA certificate that issued it (CN=Baton Test CA);"
                + " clients that lack it will refuse the connection (certbot: use fullchain.pem, not cert.pem)"), material.warnings());
    }

    @Test
    void theContextsEnginesCarryThePolicy() {
        SSLEngine engine = TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).sslContext().createSSLEngine("127.0.0.1", 443);
        // As Undertow sets it after making the engine: the mode must not bring the JDK's defaults back.
        engine.setUseClientMode(false);
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(engine.getEnabledProtocols()));
        assertEquals(TlsPolicy.defaults().cipherSuites(), List.of(engine.getEnabledCipherSuites()));
        assertTrue(engine.getSSLParameters().getUseCipherSuitesOrder());
        assertThrows(UnsupportedOperationException.class, () -> TlsMaterial.fromPem(pki.rsaFullchain, pki.rsaKey).sslContext().getServerSocketFactory());
    }

    private static byte[] encrypt(String pkcs8Pem) throws Exception {
        byte[] pkcs8 = java.util.Base64.getMimeDecoder().decode(pkcs8Pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        // PBES1: the JDK 17 EncryptedPrivateKeyInfo cannot encode PBES2's parameters; openssl reads this form too.
        String algorithm = "PBEWithSHA1AndDESede";
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec("secret".toCharArray())),
                new PBEParameterSpec(salt, 10_000));
        AlgorithmParameters parameters = cipher.getParameters();
        return new EncryptedPrivateKeyInfo(parameters, cipher.doFinal(pkcs8)).getEncoded();
    }

    /** The one-line message starts with {@code expected} (the JDK's own words may follow). */
    static void assertMessage(String expected, Executable load) {
        TlsException e = assertThrows(TlsException.class, load);
        TestPki.assertOneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith(expected), () -> "expected: " + expected + "\n  but was: " + e.getMessage());
        assertTrue(Arrays.asList(e.getStackTrace()).isEmpty(), "no stack trace: the message is all an operator needs");
    }
}
