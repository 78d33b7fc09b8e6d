package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class NativeTest {

    @Test
    void pidsAreTheKernelsOwn() {
        assertEquals(ProcessHandle.current().pid(), Native.getpid());
    }

    @Test
    void dup2MakesASecondFdForTheSameFileAndCloseRemovesIt() throws IOException {
        int copy = freeFd();
        Native.dup2(1, copy);
        try {
            assertEquals(link(1), link(copy));
        } finally {
            Native.close(copy);
        }
        assertFalse(isOpen(copy));
    }

    @Test
    void failuresCarryTheErrno() throws IOException {
        int closed = freeFd();
        IOException close = assertThrows(IOException.class, () -> Native.close(closed));
        assertEquals("close(" + closed + ") failed: EBADF (Bad file descriptor)", close.getMessage());

        IOException dup2 = assertThrows(IOException.class, () -> Native.dup2(closed, closed + 1));
        assertTrue(dup2.getMessage().contains("EBADF"), dup2.getMessage());
        assertFalse(isOpen(closed + 1));
    }

    /** A free descriptor number well above anything the JVM opens early, with a free one after it. */
    static int freeFd() {
        for (int fd = 200; ; fd++) {
            if (!isOpen(fd) && !isOpen(fd + 1)) {
                return fd;
            }
        }
    }

    static boolean isOpen(int fd) {
        return Files.exists(fdPath(fd), LinkOption.NOFOLLOW_LINKS);
    }

    static String link(int fd) throws IOException {
        return Files.readSymbolicLink(fdPath(fd)).toString();
    }

    private static Path fdPath(int fd) {
        return Path.of("/proc/self/fd", Integer.toString(fd));
    }
}
