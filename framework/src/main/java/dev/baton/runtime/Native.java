package dev.baton.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.constants.platform.Errno;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.pid_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.socklen_t;
import jnr.ffi.types.ssize_t;

/**
 * The one place that calls into libc. The JDK offers no way to move a file descriptor or to talk
 * to an AF_UNIX datagram socket, and the upgrade hand-off needs both.
 *
 * <p>The binding loads on first use, so code paths that never touch libc (most tests, tools that
 * only read a pid file) do not pay for or depend on jffi's native library. ({@link ScmRights} binds
 * the two calls that pass descriptors, which take native memory, on its own.)
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
    private static final int SOL_SOCKET = 1;
    /** The upgrade signal. */
    public static final int SIGUSR2 = 12;
    /** The stop signal: drain, then exit. */
    public static final int SIGTERM = 15;

    /** jnr-ffi's name for the C library. */
    static final String LIBC = "c";

    /**
     * The libc functions Baton calls, and only those: jnr-ffi generates their bindings when first used. jnr-posix's
     * whole POSIX binding (hundreds of functions) cost twice the CPU to set up (230 against 115 ms, JDK 25), and each
     * generation pays it a second after it is ready, while it serves its first load. Public only because jnr-ffi
     * implements it in its own class loader.
     */
    public interface LibC {
        int dup(int fd);

        int dup2(int from, int to);

        int close(int fd);

        int kill(@pid_t long pid, int signal);

        @pid_t long getpid();

        int getsockopt(int fd, int level, int option, @Out byte[] value, IntByReference length);

        int socket(int domain, int type, int protocol);

        int bind(int fd, @In byte[] address, @socklen_t int addressLength);

        @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags,
                             @In byte[] address, @socklen_t int addressLength);

        @ssize_t long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

        @intptr_t long signal(int signal, @intptr_t long handler);
    }

    private static LibC libc;

    private Native() {
    }

    /** Makes {@code to} refer to the same open file as {@code from}, closing what {@code to} held. */
    public static void dup2(int from, int to) throws IOException {
        if (libc().dup2(from, to) < 0) {
            throw failure("dup2(" + from + ", " + to + ")", lastError());
        }
    }

    /** A new descriptor for what {@code fd} refers to. */
    public static int dup(int fd) throws IOException {
        int copy = libc().dup(fd);
        if (copy < 0) {
            throw failure("dup(" + fd + ")", lastError());
        }
        return copy;
    }

    public static void close(int fd) throws IOException {
        if (libc().close(fd) < 0) {
            throw failure("close(" + fd + ")", lastError());
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
        if (libc().kill(pid, signal) < 0) {
            throw failure("kill(" + pid + ", " + signal + ")", lastError());
        }
    }

    public static long getpid() {
        return libc().getpid();
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

    /** The value of the socket option {@code option} (at SOL_SOCKET) of {@code fd}, an int. */
    static int socketOption(int fd, int option) throws IOException {
        byte[] value = new byte[4];
        IntByReference length = new IntByReference(4);
        if (libc().getsockopt(fd, SOL_SOCKET, option, value, length) < 0) {
            throw failure("getsockopt(" + fd + ", " + option + ")", lastError());
        }
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            try {
                libc = LibraryLoader.create(LibC.class).load(LIBC);
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

    /** {@code call} failed with {@code errno}: its name and its text, as strerror(3) gives it. */
    static IOException failure(String call, int errno) {
        Errno known = Errno.valueOf(errno);
        return new IOException(call + " failed: " + known.name() + " (" + known.description() + ")");
    }
}
