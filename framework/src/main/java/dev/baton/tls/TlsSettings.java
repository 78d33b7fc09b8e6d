package dev.baton.tls;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import java.util.List;

/**
 * The TLS material {@code baton.https} serves, as the settings name it: a PEM chain and key
 * ({@code baton.tlsCert}, {@code baton.tlsKey}), or a PKCS#12 keystore and the file holding its password
 * ({@code baton.tlsKeystore}, {@code baton.tlsKeystorePasswordFile}). Read anew by each generation.
 */
public final class TlsSettings {

    private static final String EXPECTED = "baton.https needs baton.tlsCert and baton.tlsKey (PEM files),"
            + " or baton.tlsKeystore and baton.tlsKeystorePasswordFile (PKCS#12)";

    private TlsSettings() {}

    /** The material, when {@code baton.https} is on; null when it is off (and no TLS setting is given). */
    public static TlsMaterial load(BatonConfig config) {
        boolean pem = config.tlsCert().isPresent() || config.tlsKey().isPresent();
        boolean keystore = config.tlsKeystore().isPresent() || config.tlsKeystorePasswordFile().isPresent();
        if (config.https().isEmpty()) {
            if (pem || keystore) {
                throw new ConfigException("baton.https", "baton.https is off, but TLS settings are given: set"
                        + " baton.https (e.g. 0.0.0.0:8443) or remove baton.tlsCert, baton.tlsKey, baton.tlsKeystore"
                        + " and baton.tlsKeystorePasswordFile");
            }
            return null;
        }
        if (pem && !keystore && config.tlsCert().isPresent() && config.tlsKey().isPresent()) {
            return TlsMaterial.fromPem(config.tlsCert().get(), config.tlsKey().get());
        }
        if (keystore && !pem && config.tlsKeystore().isPresent() && config.tlsKeystorePasswordFile().isPresent()) {
            return TlsMaterial.fromPkcs12(config.tlsKeystore().get(), config.tlsKeystorePasswordFile().get());
        }
        List<String> given = new java.util.ArrayList<>();
        config.tlsCert().ifPresent(path -> given.add("baton.tlsCert"));
        config.tlsKey().ifPresent(path -> given.add("baton.tlsKey"));
        config.tlsKeystore().ifPresent(path -> given.add("baton.tlsKeystore"));
        config.tlsKeystorePasswordFile().ifPresent(path -> given.add("baton.tlsKeystorePasswordFile"));
        throw new ConfigException("baton.https", EXPECTED + "; given: " + (given.isEmpty() ? "none" : String.join(", ", given)));
    }
}
