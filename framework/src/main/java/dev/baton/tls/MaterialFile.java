package dev.baton.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a certificate, key, keystore or password file whole, with the reasons it cannot be read as one line. */
final class MaterialFile {
    /**
     * Far above any real chain or keystore (a few KB): a setting pointing at a log, a jar or /dev/zero is refused at
     * once instead of read into memory.
     */
    static final int MAX_BYTES = 1 << 20;

    private MaterialFile() {
    }

    static byte[] read(Path file) {
        if (Files.isDirectory(file)) {
            throw new TlsException(file, "is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new TlsException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsException(file, "cannot be read: permission denied (Baton runs as " + System.getProperty("user.name") + ")", e);
        } catch (IOException e) {
            throw new TlsException(file, "cannot be read: " + e, e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new TlsException(file, "larger than " + (MAX_BYTES >> 20) + " MB: not a certificate, key or keystore");
        }
        if (bytes.length == 0) {
            throw new TlsException(file, "is empty");
        }
        return bytes;
    }
}
