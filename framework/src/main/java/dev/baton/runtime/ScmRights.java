package dev.baton.runtime;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jnr.constants.platform.Errno;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.ssize_t;

/**
 * Open file descriptors and one line of text, sent together in one {@code sendmsg} with {@code SCM_RIGHTS} over a
 * connected Unix-domain stream socket (the JDK's own {@link SocketChannel} of the UNIX family, as the ready channel
 * is). The receiver gets its own descriptors for the same open sockets: the sender may close its copies at once.
 * This is how a generation hands listeners beyond fd 0 to its child, since the JDK closes every fd above 2 in a
 * child it starts.
 *
 * <p>The message is built here, in one block of native memory, rather than with jnr-posix's {@code MsgHdr}: its
 * {@code setIov} puts the iovec array in memory that no Java object holds, which jnr-ffi frees whenever the
 * garbage collector runs, possibly before the {@code sendmsg} that reads it. One block held until the call
 * returns has no such window. The layouts are Linux's on 64-bit (x86_64 and aarch64, the platforms Baton runs on).
 *
 * <p>Both sides take the Unix socket's fd number from {@link ChannelFds}, so both need what it needs (a jar started
 * with {@code java -jar}, as every generation after the first is): a receiver needs it anyway to adopt what it gets.
 *
 * <p>Neither side blocks past its deadline: the socket is put in non-blocking mode for the call (and left so).
 * Nothing else may read or write the channel meanwhile.
 */
final class ScmRights {

    /** The longest line either side accepts, newline included. */
    static final int LINE_MAX = 4096;
    /** The most descriptors one message carries; the kernel allows 253. */
    static final int MAX_FDS = 64;

    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_NOSIGNAL = 0x4000;
    // The received descriptors must not leak into a process started meanwhile by another thread.
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // struct msghdr { void *name; socklen_t namelen; struct iovec *iov; size_t iovlen; void *control;
    //                 size_t controllen; int flags; }, then struct iovec { void *base; size_t len; }
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    private static final int IOVEC = 56;
    private static final int CONTROL = IOVEC + 16;
    // struct cmsghdr { size_t len; int level; int type; } followed by the data, aligned to 8 bytes
    private static final int CMSG_HEADER = 16;

    /** What {@code sendmsg} and {@code recvmsg} take: the socket, a {@code struct msghdr *} and flags. */
    public interface Calls {
        @ssize_t long sendmsg(int fd, Pointer message, int flags);

        @ssize_t long recvmsg(int fd, Pointer message, int flags);
    }

    /** One line (without its newline) and the descriptors that came with it, now this process's to close. */
    record Received(String line, int[] fds) {}

    private static Calls calls;

    private ScmRights() {
    }

    /**
     * Sends {@code line} (one line, no newline of its own) with a copy of each of {@code fds}, in one message, within
     * {@code deadline} ({@link System#nanoTime()}). What was on the stream before must have been read by the peer:
     * the kernel hands the descriptors to whichever read takes the first byte of this message.
     */
    static void send(SocketChannel unix, String line, int[] fds, long deadline) throws IOException {
        byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (line.indexOf('\n') >= 0 || text.length > LINE_MAX) {
            throw new IllegalArgumentException("not one line of at most " + (LINE_MAX - 1) + " bytes: " + line);
        }
        if (fds.length > MAX_FDS) {
            throw new IllegalArgumentException(fds.length + " descriptors, at most " + MAX_FDS + " in one message");
        }
        int controlLength = fds.length == 0 ? 0 : space(4 * fds.length);
        Pointer message = message(controlLength, text.length);
        message.put(CONTROL + controlLength, text, 0, text.length);
        if (fds.length > 0) {
            message.putLong(CONTROL, CMSG_HEADER + 4L * fds.length);
            message.putInt(CONTROL + 8, SOL_SOCKET);
            message.putInt(CONTROL + 12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                message.putInt(CONTROL + CMSG_HEADER + 4L * i, fds[i]);
            }
        }
        int socket = ChannelFds.fdOf(unix);
        long sent = call(unix, SelectionKey.OP_WRITE, deadline, "sendmsg",
                () -> calls().sendmsg(socket, message, MSG_DONTWAIT | MSG_NOSIGNAL));
        Reference.reachabilityFence(message); // its memory is freed once the pointer is collected
        // A short message into a socket buffer with room for it goes whole; anything else is no hand-off.
        if (sent != text.length) {
            throw new IOException("sendmsg sent " + sent + " of " + text.length + " bytes");
        }
    }

    /**
     * Receives one message sent by {@link #send}, waiting until {@code deadline}. Fails, closing whatever descriptors
     * came, when the peer closed the stream, sent no line, or more descriptors than {@link #MAX_FDS}.
     */
    static Received receive(SocketChannel unix, long deadline) throws IOException {
        int controlLength = space(4 * MAX_FDS);
        Pointer message = message(controlLength, LINE_MAX);
        int socket = ChannelFds.fdOf(unix);
        long received = call(unix, SelectionKey.OP_READ, deadline, "recvmsg",
                () -> calls().recvmsg(socket, message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
        int[] fds = descriptors(message);
        byte[] text = new byte[(int) received];
        message.get(CONTROL + controlLength, text, 0, text.length);
        String why = null;
        if ((message.getInt(MSG_FLAGS) & MSG_CTRUNC) != 0) {
            why = "more descriptors than " + MAX_FDS + " (the rest were dropped by the kernel)";
        } else if (received == 0) {
            why = "the peer closed the stream before sending";
        } else if (text[text.length - 1] != '\n' || indexOf(text, (byte) '\n') != text.length - 1) {
            why = "not one whole line (" + received + " bytes)";
        }
        if (why != null) {
            closeAll(fds);
            throw new IOException("no descriptors received: " + why);
        }
        return new Received(new String(text, 0, text.length - 1, StandardCharsets.UTF_8), fds);
    }

    /** Closes each of {@code fds}, going on past any that fails. */
    static void closeAll(int[] fds) {
        for (int fd : fds) {
            try {
                Native.close(fd);
            } catch (IOException ignored) {
                // already closed: nothing left to release
            }
        }
    }

    /** A zeroed msghdr whose one iovec covers {@code payload} bytes after {@code controlLength} bytes of control. */
    private static Pointer message(int controlLength, int payload) {
        Pointer message = Memory.allocateDirect(Runtime.getRuntime(calls()), CONTROL + controlLength + payload, true);
        message.putAddress(MSG_IOV, message.address() + IOVEC);
        message.putLong(MSG_IOVLEN, 1);
        message.putAddress(IOVEC, message.address() + CONTROL + controlLength);
        message.putLong(IOVEC + 8, payload);
        if (controlLength > 0) {
            message.putAddress(MSG_CONTROL, message.address() + CONTROL);
            message.putLong(MSG_CONTROLLEN, controlLength);
        }
        return message;
    }

    /** The descriptors in the SCM_RIGHTS control messages the kernel filled in. */
    private static int[] descriptors(Pointer message) {
        long end = CONTROL + message.getLong(MSG_CONTROLLEN);
        int[] fds = new int[0];
        for (long at = CONTROL; at + CMSG_HEADER <= end; ) {
            long length = message.getLong(at);
            if (length < CMSG_HEADER || at + length > end) {
                break;
            }
            if (message.getInt(at + 8) == SOL_SOCKET && message.getInt(at + 12) == SCM_RIGHTS) {
                int count = (int) (length - CMSG_HEADER) / 4;
                int first = fds.length;
                fds = Arrays.copyOf(fds, first + count);
                for (int i = 0; i < count; i++) {
                    fds[first + i] = message.getInt(at + CMSG_HEADER + 4L * i);
                }
            }
            at += align(length);
        }
        return fds;
    }

    private interface Call {
        long run();
    }

    /** Runs {@code call} until it does not fail with EAGAIN, waiting for {@code op} in between, up to the deadline. */
    private static long call(SocketChannel unix, int op, long deadline, String name, Call call) throws IOException {
        unix.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            unix.register(selector, op);
            while (true) {
                long result = call.run();
                if (result >= 0) {
                    return result;
                }
                int errno = LastError.getLastError(Runtime.getRuntime(calls()));
                if (errno != Errno.EAGAIN.intValue() && errno != Errno.EINTR.intValue()) {
                    throw Native.failure(name, errno);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException(name + ": the peer was not ready in time");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            }
        }
    }

    /** CMSG_SPACE: a control message of {@code data} bytes with its header, aligned. */
    private static int space(int data) {
        return CMSG_HEADER + (int) align(data);
    }

    private static long align(long length) {
        return (length + 7) & ~7L;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static synchronized Calls calls() {
        if (calls == null) {
            try {
                calls = LibraryLoader.create(Calls.class).load(Native.LIBC);
            } catch (LinkageError e) {
                throw new IllegalStateException("jnr-ffi cannot load libc; is jffi's native jar on the class path?", e);
            }
        }
        return calls;
    }
}
