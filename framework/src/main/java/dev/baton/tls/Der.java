package dev.baton.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER to turn OpenSSL's "traditional" key forms (PKCS#1 RSA, SEC1 EC) into the PKCS#8 the JDK's
 * KeyFactory reads, and to see which algorithm a PKCS#8 key is for: the JDK has no public DER API, and
 * BouncyCastle would be a dependency for a hundred lines.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0], constructed: where SEC1 keeps the curve. */
    static final int CONTEXT_0 = 0xa0;

    /** rsaEncryption, 1.2.840.113549.1.1.1, as encoded. */
    static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, as encoded. */
    static final byte[] EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** One element: its tag and where its contents are in {@code bytes}. */
    record Element(byte[] bytes, int tag, int start, int end) {
        /** The element that starts where this one's contents start: the first child of a SEQUENCE. */
        Element first() {
            return at(bytes, start, end);
        }

        /** The element after this one, within the same parent ending at {@code limit}; null at the end. */
        Element next(int limit) {
            return end < limit ? at(bytes, end, limit) : null;
        }

        byte[] contents() {
            return Arrays.copyOfRange(bytes, start, end);
        }
    }

    private Der() {
    }

    /** The element at {@code offset}, which must end by {@code limit}. */
    static Element at(byte[] bytes, int offset, int limit) {
        if (offset + 2 > limit) {
            throw new IllegalArgumentException("truncated DER at " + offset);
        }
        int tag = bytes[offset] & 0xff;
        int length = bytes[offset + 1] & 0xff;
        int start = offset + 2;
        if (length > 0x80) {
            // Long form: the next (length & 0x7f) bytes; key files never need more than 3 of them.
            int count = length & 0x7f;
            if (count > 3 || start + count > limit) {
                throw new IllegalArgumentException("bad DER length at " + offset);
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[start + i] & 0xff);
            }
            start += count;
        } else if (length == 0x80) {
            throw new IllegalArgumentException("indefinite length at " + offset + ": BER, not DER");
        }
        if (start + length > limit) {
            throw new IllegalArgumentException("DER element at " + offset + " runs past its end");
        }
        return new Element(bytes, tag, start, start + length);
    }

    static Element read(byte[] bytes, int expectedTag) {
        Element element = at(bytes, 0, bytes.length);
        expect(element, expectedTag);
        return element;
    }

    static void expect(Element element, int tag) {
        if (element == null || element.tag() != tag) {
            throw new IllegalArgumentException("expected DER tag 0x" + Integer.toHexString(tag)
                    + (element == null ? ", found the end" : ", found 0x" + Integer.toHexString(element.tag())));
        }
    }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream contents = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            contents.writeBytes(part);
        }
        int length = contents.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
            out.write(0x80 | count);
            for (int i = count - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(contents.toByteArray());
        return out.toByteArray();
    }

    /**
     * PKCS#8 PrivateKeyInfo (RFC 5208): version 0, the algorithm, and the algorithm's own key structure (here,
     * the PKCS#1 or SEC1 bytes as they were) in an OCTET STRING.
     */
    static byte[] pkcs8(byte[] algorithmIdentifier, byte[] key) {
        return tlv(SEQUENCE, tlv(INTEGER, new byte[] {0}), algorithmIdentifier, tlv(OCTET_STRING, key));
    }
}
