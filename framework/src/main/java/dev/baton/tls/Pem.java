package dev.baton.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file (RFC 7468): {@code -----BEGIN <label>-----}, base64, {@code -----END <label>-----}.
 * Read here rather than by CertificateFactory so that each block is checked on its own, with its number in the
 * message, and so that certificate and key files are read the same way. Text outside blocks is ignored, as
 * openssl ignores it (certbot writes none, some CAs put the subject above each certificate).
 */
final class Pem {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One block: its label, its DER bytes, whether RFC 1421 headers marked it encrypted, its place in the file. */
    record Block(String label, byte[] der, boolean encrypted, int number) {}

    private Pem() {
    }

    static List<Block> read(Path file) {
        // ISO-8859-1 maps every byte to a char, so a binary (DER) file is read without an error and has no block.
        String text = new String(MaterialFile.read(file), StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        String label = null;
        boolean encrypted = false;
        StringBuilder base64 = new StringBuilder();
        for (String line : text.split("\n")) { // one plain character: no regex
            line = line.strip();
            if (label == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + DASHES.length()) {
                    label = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    encrypted = false;
                    base64.setLength(0);
                }
            } else if (line.startsWith(END)) {
                if (!line.equals(END + label + DASHES)) {
                    throw new TlsException(file, "PEM block " + (blocks.size() + 1) + " begins as " + label + " but ends as '" + line + "'");
                }
                blocks.add(new Block(label, decode(file, base64, label, blocks.size() + 1), encrypted, blocks.size() + 1));
                label = null;
            } else if (line.indexOf(':') > 0) {
                // Headers of the legacy OpenSSL form: "Proc-Type: 4,ENCRYPTED" and "DEK-Info: AES-256-CBC,...".
                encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new TlsException(file, "PEM block " + (blocks.size() + 1) + " (" + label + ") has no " + END + label + DASHES + " line: the file is cut short");
        }
        return blocks;
    }

    private static byte[] decode(Path file, StringBuilder base64, String label, int number) {
        try {
            byte[] der = Base64.getDecoder().decode(base64.toString());
            if (der.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new TlsException(file, "PEM block " + number + " (" + label + ") is not valid base64", e);
        }
    }

    /** The labels found, for messages that say what a file holds instead of what was expected. */
    static String labels(List<Block> blocks) {
        if (blocks.isEmpty()) {
            return "no PEM block at all";
        }
        StringBuilder labels = new StringBuilder("only ");
        for (Block block : blocks) {
            labels.append(block.number() > 1 ? ", " : "").append(block.label());
        }
        return labels.toString();
    }
}
