package dev.baton.runtime;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import dev.baton.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

/**
 * The pid file, which names the current generation. Each generation overwrites it when it takes
 * over, so a reader (a supervisor, {@code kill -USR2 $(cat app.pid)}) must never see it half written
 * or missing, and a generation that exits must not remove its successor's.
 */
public final class PidFile {

    private PidFile() {
    }

    /**
     * Fails unless {@code file} can be written, naming what is wrong: checked at start-up, before anything is
     * served, since a generation that cannot write it would report ready while its supervisor (systemd's PIDFile=,
     * deploy.sh) never learns its pid. Writing is a rename of a new file in the directory, so the directory is what
     * must be writable.
     */
    public static void checkWritable(Path file, long pid) {
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new ConfigException("baton.pidFile", "baton.pidFile: cannot write " + file + ": the directory "
                    + directory + " does not exist (create it first: deploy.sh does, systemd's RuntimeDirectory= does)");
        }
        try {
            Files.delete(newBeside(file.toAbsolutePath(), pid, ".check"));
        } catch (IOException e) {
            throw new ConfigException("baton.pidFile", "baton.pidFile: cannot write " + file + ": the directory "
                    + directory + " is not writable by this user (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Replaces the file atomically with {@code <pid>\n}. */
    public static void write(Path file, long pid) throws IOException {
        Path target = file.toAbsolutePath();
        // Same directory, so that the rename cannot cross file systems and stays atomic. World
        // readable like any pid file (createTempFile's default is owner-only), still subject to umask.
        Path temp = newBeside(target, pid, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            // No fsync: pid files live in /run or similar, and no pid survives a crash anyway.
            Files.writeString(temp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A new file in {@code target}'s directory, named for {@code pid} (unique among live processes): a random name
     * (createTempFile) seeds SecureRandom first, about 10 ms of a new generation's start-up. A file already there
     * under that name (left by a crash, or planted, as a symlink would be: creation never follows one) makes it
     * fall back to a random name.
     */
    private static Path newBeside(Path target, long pid, String suffix, FileAttribute<?>... attributes) throws IOException {
        try {
            return Files.createFile(target.resolveSibling(target.getFileName() + "." + pid + suffix), attributes);
        } catch (FileAlreadyExistsException e) {
            return Files.createTempFile(target.getParent(), target.getFileName() + ".", suffix, attributes);
        }
    }

    /** The pid the file holds, or empty if there is no such file. */
    public static OptionalLong read(Path file) throws IOException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(content.strip()));
        } catch (NumberFormatException e) {
            throw new IOException("pid file " + file + " does not hold a pid: \"" + content.strip() + "\"", e);
        }
    }

    /**
     * Removes the file if it still names {@code pidExpected}; a newer generation may have replaced it.
     * The check and the delete are two steps (Linux has no unlink-if-unchanged): a successor that
     * writes in between loses its file, so call this only when no successor is starting.
     *
     * @throws IOException also if the file holds something other than a pid; it is left in place
     */
    public static void remove(Path file, long pidExpected) throws IOException {
        if (read(file).equals(OptionalLong.of(pidExpected))) {
            Files.deleteIfExists(file);
        }
    }
}
