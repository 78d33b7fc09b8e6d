package dev.baton.runtime;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * A JDK channel's fd number, and a JDK {@link ServerSocketChannel} for a listening socket's fd number (one received
 * with {@link ScmRights}): the one step the JDK has no public API for beyond fd 0.
 *
 * <p>The channel is the JDK's own {@code sun.nio.ch.ServerSocketChannelImpl}, made through the constructor the JDK
 * itself uses for {@link System#inheritedChannel()}, so it is exactly what {@code ServerSocketChannel.open()} gives
 * (same selector provider, {@code accept}, non-blocking mode, {@code getLocalAddress}), and XNIO adopts it as it
 * adopts a bound one. It needs {@code java.base/sun.nio.ch} opened to Baton: the {@code Add-Opens} attribute in
 * the manifest of the jar started with {@code java -jar} (every generation after the first is), or
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}. {@code ChannelFdsInternalsTest} fails if a JDK moves it.
 *
 * <p>Measured on OpenJDK 17.0.15 and Temurin 25.0.3 (issue 16's spike), for an IPv4 and an IPv6 listener:
 * <ul>
 *   <li>this route: {@code IOUtil.newFD(int)} and {@code ServerSocketChannelImpl(SelectorProvider,
 *       ProtocolFamily, FileDescriptor, boolean)} have the same shape on both; with {@code Add-Opens} in the
 *       manifest, {@code java -jar} adopts, selects, accepts and answers on both, with no warning; without it
 *       (also under {@code java -cp} with the same jar: the attribute counts only for {@code -jar}) both refuse
 *       with IllegalAccessException.</li>
 *   <li>{@code dup2} each fd onto 0 and {@link System#inheritedChannel()} each time: the JDK makes the inherited
 *       channel once per process and returns it again, on both; the second listener is never seen.</li>
 *   <li>junixsocket 2.10.1's {@code FileDescriptorCast.unsafeUsing(fd).as(ServerSocketChannel.class)}: an
 *       {@code AFGenericServerSocketChannel} of junixsocket's own selector provider, whose local address is an
 *       {@code AFGenericSocketAddress} (no InetSocketAddress), and which the JDK's {@link java.nio.channels.Selector}
 *       (XNIO's) refuses with IllegalSelectorException, on both; it would also bring a second native library.</li>
 * </ul>
 */
final class ChannelFds {

    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int SOCK_STREAM = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /** What the JDK exposes to Baton, found once; {@code failure} says why not when it does not. */
    private record Internals(Method fdVal, Method newFd, Constructor<?> serverChannel, String failure) {

        static final Internals FOUND = find();

        private static Internals find() {
            try {
                Method fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
                Method newFd = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("newFD", int.class);
                Constructor<?> serverChannel = Class.forName("sun.nio.ch.ServerSocketChannelImpl").getDeclaredConstructor(
                        SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class);
                fdVal.setAccessible(true);
                newFd.setAccessible(true);
                serverChannel.setAccessible(true);
                return new Internals(fdVal, newFd, serverChannel, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // InaccessibleObjectException when the package is not opened; NoSuch* when a JDK moved it
                return new Internals(null, null, null, "this JVM does not let Baton turn a file descriptor into a"
                        + " channel (" + e + "); start it with java -jar on a jar whose manifest has"
                        + " 'Add-Opens: java.base/sun.nio.ch', or with --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
            }
        }
    }

    private ChannelFds() {
    }

    /** Fails with the reason and the fix when this JVM cannot adopt listeners; call before relying on it. */
    static void check() {
        if (Internals.FOUND.failure() != null) {
            throw new IllegalStateException(Internals.FOUND.failure());
        }
    }

    /** The fd number of a JDK channel (a Unix-domain socket channel, a listener); -1 once it is closed. */
    static int fdOf(SelectableChannel channel) {
        check();
        try {
            return (int) Internals.FOUND.fdVal().invoke(channel);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("getFDVal failed on " + channel, e.getCause());
        }
    }

    /**
     * A channel that owns {@code fd}, which must be a bound and listening TCP socket (IPv4 or IPv6); closing the
     * channel closes the fd. When this fails, {@code fd} is untouched and still the caller's to close.
     */
    static ServerSocketChannel adoptListener(int fd) throws IOException {
        check();
        int type = Native.socketOption(fd, SO_TYPE);
        int domain = Native.socketOption(fd, SO_DOMAIN);
        if (type != SOCK_STREAM || (domain != AF_INET && domain != AF_INET6)) {
            throw new IOException("fd " + fd + " is not a TCP socket (type " + type + ", domain " + domain + ")");
        }
        if (Native.socketOption(fd, SO_ACCEPTCONN) == 0) {
            throw new IOException("fd " + fd + " is a TCP socket that does not listen");
        }
        try {
            FileDescriptor descriptor = (FileDescriptor) Internals.FOUND.newFd().invoke(null, fd);
            // The JDK takes the family itself (INET6 when IPv6 is available) and reads the bound address now.
            return (ServerSocketChannel) Internals.FOUND.serverChannel().newInstance(SelectorProvider.provider(),
                    domain == AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET, descriptor, true);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("cannot adopt fd " + fd, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
