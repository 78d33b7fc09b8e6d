package dev.baton.runtime;

import java.io.IOException;

import jnr.constants.platform.Errno;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.socklen_t;
import jnr.ffi.types.ssize_t;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The one place that calls into libc. The JDK offers no way to move a file descriptor or to talk
 * to an AF_UNIX datagram socket, and the upgrade hand-off needs both.
 *
 * <p>Both native bindings load on first use, so code paths that never touch libc (most tests,
 * tools that only read a pid file) do not pay for or depend on jffi's native library.
 */
public final class Native {

    // Linux ABI values, identical on x86_64 and aarch64, the platforms Baton runs on.
    static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    // A concurrently spawned process (posix_spawn, Runtime.exec elsewhere) must not inherit it.
    private static final int SOCK_CLOEXEC = 0x80000;
    // A send on AF_UNIX queues the datagram before it returns, so a receiver that checks after
    // the send needs no wait: a missing datagram must be an error, never a hang.
    private static final int MSG_DONTWAIT = 0x40;
    private static final long SIG_DFL = 0;
    private static final long SIG_ERR = -1;
    /** The upgrade signal. */
    public static final int SIGUSR2 = 12;
    /** The stop signal: drain, then exit. */
    public static final int SIGTERM = 15;

    /** What jnr-posix does not bind. Public only because jnr-ffi implements it in its own class loader. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int bind(int fd, @In byte[] address, @socklen_t int addressLength);

        @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags,
                             @In byte[] address, @socklen_t int addressLength);

        @ssize_t long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

        @intptr_t long signal(int signal, @intptr_t long handler);
    }

    private static POSIX posix;
    private static LibC libc;

    private Native() {
    }

    /** Makes {@code to} refer to the same open file as {@code from}, closing what {@code to} held. */
    public static void dup2(int from, int to) throws IOException {
        if (posix().dup2(from, to) < 0) {
            throw failure("dup2(" + from + ", " + to + ")", posix().errno());
        }
    }

    /** A new descriptor for what {@code fd} refers to. */
    public static int dup(int fd) throws IOException {
        int copy = posix().dup(fd);
        if (copy < 0) {
            throw failure("dup(" + fd + ")", posix().errno());
        }
        return copy;
    }

    public static void close(int fd) throws IOException {
        if (posix().close(fd) < 0) {
            throw failure("close(" + fd + ")", posix().errno());
        }
    }

    /**
     * Gives {@code signal} back its default action. A process started with a signal ignored (a shell's background
     * job ignores SIGINT) keeps it ignored, and the JVM then refuses to handle it; after this it accepts.
     */
    static void defaultAction(int signal) throws IOException {
        if (libc().signal(signal, SIG_DFL) == SIG_ERR) {
            throw failure("signal(" + signal + ", SIG_DFL)", lastError());
        }
    }

    /**
     * Sends {@code signal} (a Linux signal number, e.g. {@link #SIGUSR2}) to {@code pid}. Fails with the errno's
     * name and text: {@code ESRCH} when there is no such process, {@code EPERM} when it is another user's.
     */
    public static void kill(long pid, int signal) throws IOException {
        if (posix().kill(pid, signal) < 0) {
            throw failure("kill(" + pid + ", " + signal + ")", posix().errno());
        }
    }

    public static long getpid() {
        return posix().getpid();
    }

    static int unixDatagramSocket() throws IOException {
        int fd = libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_UNIX, SOCK_DGRAM)", lastError());
        }
        return fd;
    }

    /** {@code address} is a complete {@code struct sockaddr_un} of exactly the length to pass. */
    static void bind(int fd, byte[] address) throws IOException {
        if (libc().bind(fd, address, address.length) < 0) {
            throw failure("bind(" + fd + ")", lastError());
        }
    }

    static void sendTo(int fd, byte[] message, byte[] address) throws IOException {
        long sent = libc().sendto(fd, message, message.length, 0, address, address.length);
        if (sent < 0) {
            throw failure("sendto(" + fd + ")", lastError());
        }
        if (sent != message.length) {
            throw new IOException("sendto(" + fd + ") sent " + sent + " of " + message.length + " bytes");
        }
    }

    /** Returns the length of the datagram waiting on {@code fd}; fails with EAGAIN if there is none. */
    static int receiveWaiting(int fd, byte[] buffer) throws IOException {
        long received = libc().recv(fd, buffer, buffer.length, MSG_DONTWAIT);
        if (received < 0) {
            throw failure("recv(" + fd + ")", lastError());
        }
        return (int) received;
    }

    private static synchronized POSIX posix() {
        if (posix == null) {
            POSIX loaded;
            try {
                loaded = POSIXFactory.getNativePOSIX();
            } catch (LinkageError e) {
                throw new IllegalStateException("jnr-posix cannot load libc; is jffi's native jar on the class path?", e);
            }
            // The pure-Java fallback cannot dup2 or close raw descriptors; running on it would
            // fail much later, in the middle of an upgrade.
            if (loaded == null || !loaded.isNative()) {
                throw new IllegalStateException("jnr-posix has no native implementation on this platform");
            }
            posix = loaded;
        }
        return posix;
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            try {
                libc = LibraryLoader.create(LibC.class).load(POSIXFactory.STANDARD_C_LIBRARY_NAME);
            } catch (LinkageError e) {
                throw new IllegalStateException("jnr-ffi cannot load libc; is jffi's native jar on the class path?", e);
            }
        }
        return libc;
    }

    // jnr-ffi saves errno per thread right after each call, so this reads the failing call's errno.
    private static int lastError() {
        return LastError.getLastError(Runtime.getRuntime(libc()));
    }

    private static IOException failure(String call, int errno) {
        return new IOException(call + " failed: " + Errno.valueOf(errno).name() + " (" + posix().strerror(errno) + ")");
    }
}
