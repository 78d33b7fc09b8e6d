package dev.baton.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The one private key of a PKCS#12 keystore, with its certificate chain. The JDK's PKCS12 type also reads JKS
 * stores (keystore.type.compat), so a keytool keystore of either kind works.
 */
final class Pkcs12 {

    /** The key entry: its alias (for messages), key and chain, the server's certificate first. */
    record Entry(String alias, PrivateKey key, List<X509Certificate> chain) {}

    private Pkcs12() {
    }

    static Entry read(Path file, char[] password) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(MaterialFile.read(file)), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TlsException(file, "the keystore password is wrong", e);
            }
            throw new TlsException(file, "not a PKCS#12 keystore (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException(file, "cannot be read as a PKCS#12 keystore: " + e.getMessage(), e);
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            if (keys.size() != 1) {
                // Which of several to serve would need another setting; one keystore per listener keeps it obvious.
                throw new TlsException(file, keys.isEmpty() ? "holds no private key, only " + store.size() + " trusted certificate(s)"
                        : "holds " + keys.size() + " private keys (entries " + String.join(", ", keys) + "); Baton serves one");
            }
            String alias = keys.get(0);
            PrivateKey key = (PrivateKey) store.getKey(alias, password);
            Certificate[] certificates = store.getCertificateChain(alias);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new TlsException(file, "entry '" + alias + "' has a key but no certificate");
            }
            return new Entry(alias, key, chain);
        } catch (UnrecoverableKeyException e) {
            throw new TlsException(file, "the key's password is not the keystore's; Baton takes one password for both", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException(file, "cannot be read as a PKCS#12 keystore: " + e.getMessage(), e);
        }
    }

    /**
     * A password file: its text, in UTF-8, less one line end ({@code echo secret > file} writes one). A file, not
     * a setting's value: a -D is seen by anyone running ps, and the environment is inherited by every later
     * generation unchanged, so a keystore renewed with a new password could not be taken up by an upgrade.
     */
    static char[] password(Path file) {
        byte[] bytes = MaterialFile.read(file);
        CharBuffer text = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        int length = text.limit();
        if (length > 0 && text.get(length - 1) == '\n') {
            length--;
            if (length > 0 && text.get(length - 1) == '\r') {
                length--;
            }
        }
        char[] password = new char[length];
        text.get(password);
        text.clear();
        while (text.hasRemaining()) {
            text.put('\0');
        }
        return password;
    }
}
