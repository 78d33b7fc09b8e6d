package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifyTest {

    private static final String MESSAGE = "READY=1\nMAINPID=1234";

    @TempDir
    Path dir;

    @Test
    void sendsOneDatagramToAFilesystemSocket() throws IOException {
        Path path = dir.resolve("notify");
        int receiver = receiverAt(sockaddrUn(path.toString().getBytes(StandardCharsets.UTF_8), true));
        try {
            assertTrue(Files.exists(path), "bound socket file");
            SystemdNotify notify = fromEnv(path.toString()).orElseThrow();
            notify.send(MESSAGE);
            notify.send("STOPPING=1");

            assertEquals(MESSAGE, receive(receiver));
            assertEquals("STOPPING=1", receive(receiver));
            assertThrows(IOException.class, () -> receive(receiver), "nothing more was sent");
        } finally {
            Native.close(receiver);
        }
    }

    @Test
    void sendsOneDatagramToAnAbstractSocket() throws IOException {
        String name = "baton-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        byte[] sunPath = ("\0" + name).getBytes(StandardCharsets.UTF_8);
        int receiver = receiverAt(sockaddrUn(sunPath, false));
        try {
            // The kernel shows abstract names with '@' for the leading NUL (and for any other NUL):
            // an exact match proves the receiver is bound to precisely this name.
            assertTrue(Files.readAllLines(Path.of("/proc/net/unix")).stream().anyMatch(l -> l.endsWith(" @" + name)),
                    "receiver listed in /proc/net/unix");
            fromEnv("@" + name).orElseThrow().send(MESSAGE);

            assertEquals(MESSAGE, receive(receiver));
        } finally {
            Native.close(receiver);
        }
    }

    @Test
    void aMissingReceiverIsAnErrorNamingTheSocket() {
        String path = dir.resolve("nobody-listens").toString();
        IOException e = assertThrows(IOException.class, () -> fromEnv(path).orElseThrow().send(MESSAGE));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("ENOENT"), e.getMessage());

        IOException abstractMissing = assertThrows(IOException.class,
                () -> fromEnv("@baton-nobody-" + System.nanoTime()).orElseThrow().send(MESSAGE));
        assertTrue(abstractMissing.getMessage().contains("ECONNREFUSED"), abstractMissing.getMessage());
    }

    @Test
    void laysOutTheAddressWithTheExactLength() {
        assertArrayEquals(new byte[] {1, 0, '/', 'n', 0}, SystemdNotify.address("/n"));
        assertArrayEquals(new byte[] {1, 0, 0, 'n'}, SystemdNotify.address("@n"));
    }

    @Test
    void readsNotifySocketFromTheEnvironment() {
        assertEquals(Optional.empty(), SystemdNotify.fromEnvironment(Map.of()));
        assertEquals(Optional.empty(), fromEnv(""));
        assertThrows(IllegalArgumentException.class, () -> fromEnv("vsock:2:1234"));
        assertThrows(IllegalArgumentException.class, () -> fromEnv("relative/notify"));
        assertEquals(110, SystemdNotify.address("@" + "x".repeat(107)).length);
        assertThrows(IllegalArgumentException.class, () -> fromEnv("@" + "x".repeat(108)));
        assertEquals(110, SystemdNotify.address("/" + "x".repeat(106)).length);
        assertThrows(IllegalArgumentException.class, () -> fromEnv("/" + "x".repeat(107)));
    }

    private static Optional<SystemdNotify> fromEnv(String notifySocket) {
        return SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", notifySocket));
    }

    /** Built here, not by SystemdNotify, so that a layout mistake there cannot cancel out. */
    private static byte[] sockaddrUn(byte[] sunPath, boolean terminate) {
        byte[] address = new byte[2 + sunPath.length + (terminate ? 1 : 0)];
        address[0] = 1; // AF_UNIX, little-endian sa_family_t (x86_64 and aarch64)
        System.arraycopy(sunPath, 0, address, 2, sunPath.length);
        return address;
    }

    private static int receiverAt(byte[] address) throws IOException {
        int fd = Native.unixDatagramSocket();
        try {
            Native.bind(fd, address);
            return fd;
        } catch (IOException e) {
            Native.close(fd);
            throw e;
        }
    }

    private static String receive(int fd) throws IOException {
        byte[] buffer = new byte[4096];
        int length = Native.receiveWaiting(fd, buffer);
        return new String(Arrays.copyOf(buffer, length), StandardCharsets.UTF_8);
    }
}
