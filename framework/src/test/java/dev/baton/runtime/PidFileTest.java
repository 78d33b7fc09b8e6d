package dev.baton.runtime;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir
    Path dir;

    @Test
    void writesThePidAndANewline() throws IOException {
        Path file = dir.resolve("app.pid");
        PidFile.write(file, 4242);

        assertEquals("4242\n", Files.readString(file));
        assertEquals(OptionalLong.of(4242), PidFile.read(file));
        assertEquals(List.of(file), listDir(), "no temp file left behind");
        // As readable as any file this process creates (umask applies), not owner-only like a temp file.
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(readBits(plain), readBits(file));
    }

    @Test
    void replacesAtomicallyByRenamingANewFileOverTheOld() throws IOException {
        Path file = dir.resolve("app.pid");
        PidFile.write(file, 1000);
        Object before = Files.readAttributes(file, "unix:ino").get("ino");

        PidFile.write(file, 1001);

        // A new inode shows the file was renamed over, not rewritten in place where a reader could
        // catch it empty or half written.
        assertNotEquals(before, Files.readAttributes(file, "unix:ino").get("ino"));
        assertEquals("1001\n", Files.readString(file));
        assertEquals(List.of(file), listDir());
    }

    @Test
    void removeDeletesOnlyItsOwnPid() throws IOException {
        Path file = dir.resolve("app.pid");
        PidFile.write(file, 1000);
        PidFile.write(file, 1001); // the next generation took over

        PidFile.remove(file, 1000);
        assertEquals(OptionalLong.of(1001), PidFile.read(file));

        PidFile.remove(file, 1001);
        assertFalse(Files.exists(file));

        PidFile.remove(file, 1001); // already gone: nothing to do
    }

    @Test
    void readReportsAMissingFileAsEmptyAndGarbageAsAnError() throws IOException {
        Path file = dir.resolve("app.pid");
        assertEquals(OptionalLong.empty(), PidFile.read(file));

        Files.writeString(file, "not a pid\n");
        IOException e = assertThrows(IOException.class, () -> PidFile.read(file));
        assertTrue(e.getMessage().contains("not a pid"), e.getMessage());
        assertThrows(IOException.class, () -> PidFile.remove(file, 1000));
        assertTrue(Files.exists(file));
    }

    @Test
    void aPidFileThatCannotBeWrittenFailsTheCheckNamingTheMissingDirectory() throws IOException {
        PidFile.checkWritable(dir.resolve("app.pid"), 4242);
        assertEquals(List.of(), listDir(), "the check leaves nothing behind");
        Path missing = dir.resolve("run/app");
        ConfigException e = assertThrows(ConfigException.class, () -> PidFile.checkWritable(missing.resolve("app.pid"), 4242));
        assertEquals("baton.pidFile", e.key());
        assertTrue(e.getMessage().startsWith("baton.pidFile: cannot write " + missing.resolve("app.pid") + ": the directory "
                + missing + " does not exist"), e.getMessage());
    }

    @Test
    void aFileOrSymlinkAlreadyUnderThePidsNameIsNeitherFollowedNorOverwritten() throws IOException {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "keep");
        Files.createSymbolicLink(dir.resolve("app.pid.4242.tmp"), elsewhere);
        Files.createSymbolicLink(dir.resolve("app.pid.4242.check"), elsewhere);
        PidFile.checkWritable(dir.resolve("app.pid"), 4242);
        PidFile.write(dir.resolve("app.pid"), 4242);
        assertEquals("4242\n", Files.readString(dir.resolve("app.pid")));
        assertEquals("keep", Files.readString(elsewhere));
        assertEquals(List.of("app.pid", "app.pid.4242.check", "app.pid.4242.tmp", "elsewhere"),
                listDir().stream().map(path -> path.getFileName().toString()).sorted().toList());
    }

    private static Set<PosixFilePermission> readBits(Path file) throws IOException {
        Set<PosixFilePermission> bits = EnumSet.of(OWNER_READ, GROUP_READ, OTHERS_READ);
        bits.retainAll(Files.getPosixFilePermissions(file));
        return bits;
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
