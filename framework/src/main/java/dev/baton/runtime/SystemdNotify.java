package dev.baton.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * sd_notify(3) without libsystemd: one datagram per message to the AF_UNIX socket systemd names in
 * NOTIFY_SOCKET. Linking libsystemd would add a native dependency for a protocol this small.
 *
 * <p>With {@code Type=notify} a new generation tells systemd {@code MAINPID=<its pid>} before the
 * old one exits; systemd accepts that only from processes {@code NotifyAccess=} allows (use
 * {@code all}, since the child is not the main pid yet).
 */
public final class SystemdNotify {

    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; } on Linux.
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SUN_PATH_SIZE = 108;

    private final String socket;
    private final byte[] address;

    private SystemdNotify(String socket, byte[] address) {
        this.socket = socket;
        this.address = address;
    }

    /**
     * The notifier for NOTIFY_SOCKET, or empty when not started by systemd (or with notification off).
     *
     * @throws IllegalArgumentException for addresses this does not speak (e.g. {@code vsock:}),
     *                                  so that systemd does not just time the service out
     */
    public static Optional<SystemdNotify> fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SystemdNotify(socket, address(socket)));
    }

    /** Sends one notification, e.g. {@code "READY=1\nMAINPID=1234"}. */
    public void send(String message) throws IOException {
        // A fresh socket per send, as sd_notify does: notifications are rare, and nothing is held
        // open that a forked child could inherit or that would need closing at shutdown.
        int fd = Native.unixDatagramSocket();
        try {
            Native.sendTo(fd, message.getBytes(StandardCharsets.UTF_8), address);
        } catch (IOException e) {
            throw new IOException("cannot notify systemd at " + socket + ": " + e.getMessage(), e);
        } finally {
            Native.close(fd);
        }
    }

    /**
     * The {@code sockaddr_un} for a NOTIFY_SOCKET value, exactly as long as the kernel must see it:
     * a filesystem path counts its terminating NUL; an abstract name ({@code @name}, the {@code @}
     * standing for a leading NUL) counts no terminator, because every byte up to the given length,
     * NULs included, is part of the name.
     */
    static byte[] address(String socket) {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        int pathLength;
        if (socket.startsWith("/")) {
            pathLength = path.length + 1;
        } else if (socket.startsWith("@")) {
            path[0] = 0;
            pathLength = path.length;
        } else {
            throw new IllegalArgumentException("NOTIFY_SOCKET is neither an absolute path nor @abstract: " + socket);
        }
        if (pathLength > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is longer than sun_path allows: " + socket);
        }
        // sa_family_t is a native-endian unsigned short; the path follows it without padding.
        // The array starts zeroed, which supplies a filesystem path's terminating NUL.
        ByteBuffer sockaddr = ByteBuffer.allocate(SUN_PATH_OFFSET + pathLength).order(ByteOrder.nativeOrder());
        sockaddr.putShort((short) Native.AF_UNIX).put(path);
        return sockaddr.array();
    }

    @Override
    public String toString() {
        return "SystemdNotify[" + socket + "]";
    }
}
