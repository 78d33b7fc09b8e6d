package dev.baton.server;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.Executor;
import org.xnio.ChannelListener;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * Serves a {@link ServerSocketChannel} Baton already holds (bound by itself, inherited from its parent, or
 * passed by systemd) through XNIO. XNIO only offers servers on sockets it binds itself, so this builds the same
 * pair {@code NioXnioWorker.createTcpConnectionServer} builds, through its package-private constructors. The
 * XNIO version is pinned in the parent pom and {@code XnioInternalsTest} fails loudly if these shapes change.
 */
public final class AdoptedTcpServer {

    private static final String NIO = "org.xnio.nio.";
    // Method handles of exact types rather than reflective calls: a first Constructor.newInstance costs a dozen
    // classes generated at run time (reflection is built on method handles since JDK 18), on the start-up path.
    private static final MethodHandle TCP_SERVER;
    private static final MethodHandle QUEUED_SERVER;
    private static final MethodHandle ACCEPT_THREAD;

    static {
        try {
            Class<?> worker = Class.forName(NIO + "NioXnioWorker");
            Class<?> tcpServer = Class.forName(NIO + "NioTcpServer");
            Constructor<?> newTcpServer = tcpServer.getDeclaredConstructor(worker, ServerSocketChannel.class,
                    OptionMap.class, boolean.class);
            Constructor<?> newQueuedServer = Class.forName(NIO + "QueuedNioTcpServer2").getDeclaredConstructor(tcpServer);
            Method getAcceptThread = worker.getDeclaredMethod("getAcceptThread");
            newTcpServer.setAccessible(true);
            newQueuedServer.setAccessible(true);
            getAcceptThread.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TCP_SERVER = lookup.unreflectConstructor(newTcpServer).asType(MethodType.methodType(Object.class,
                    XnioWorker.class, ServerSocketChannel.class, OptionMap.class, boolean.class));
            QUEUED_SERVER = lookup.unreflectConstructor(newQueuedServer).asType(MethodType.methodType(
                    AcceptingChannel.class, Object.class));
            ACCEPT_THREAD = lookup.unreflect(getAcceptThread).asType(MethodType.methodType(Executor.class,
                    XnioWorker.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(new IllegalStateException(
                    "this XNIO (" + org.xnio.Version.getVersionString() + ") lacks the NIO server constructors Baton adopts"
                            + " sockets with; use the XNIO version Baton's pom pins", e));
        }
    }

    private AdoptedTcpServer() {}

    /**
     * Serves {@code channel} through {@code worker}, handing each connection to {@code acceptListener}, once the
     * caller resumes accepts on the channel returned.
     */
    @SuppressWarnings("unchecked")
    public static AcceptingChannel<StreamConnection> serve(XnioWorker worker, ServerSocketChannel channel, OptionMap socketOptions,
            ChannelListener<? super AcceptingChannel<StreamConnection>> acceptListener) throws IOException {
        channel.configureBlocking(false);
        AcceptingChannel<StreamConnection> server;
        try {
            // true: one accept thread queues connections to the IO threads, as XNIO's own servers do
            Object tcpServer = (Object) TCP_SERVER.invokeExact(worker, channel, socketOptions, true);
            server = (AcceptingChannel<StreamConnection>) (AcceptingChannel<?>) QUEUED_SERVER.invokeExact(tcpServer);
        } catch (IOException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("XNIO refused the listening socket", e);
        }
        server.getAcceptSetter().set(acceptListener);
        return server;
    }

    /**
     * The thread of {@code worker} that accepts on every adopted socket, then queues each connection to an IO
     * thread: a task run there has seen every accept before it finish.
     */
    static Executor acceptThread(XnioWorker worker) {
        try {
            return (Executor) ACCEPT_THREAD.invokeExact(worker);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("XNIO's worker has no accept thread", e);
        }
    }
}
