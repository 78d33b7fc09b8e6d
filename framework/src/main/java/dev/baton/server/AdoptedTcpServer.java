package dev.baton.server;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
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
    private static final Constructor<?> TCP_SERVER;
    private static final Constructor<?> QUEUED_SERVER;
    private static final Method ACCEPT_THREAD;

    static {
        try {
            Class<?> worker = Class.forName(NIO + "NioXnioWorker");
            Class<?> tcpServer = Class.forName(NIO + "NioTcpServer");
            TCP_SERVER = tcpServer.getDeclaredConstructor(worker, ServerSocketChannel.class, OptionMap.class, boolean.class);
            QUEUED_SERVER = Class.forName(NIO + "QueuedNioTcpServer2").getDeclaredConstructor(tcpServer);
            ACCEPT_THREAD = worker.getDeclaredMethod("getAcceptThread");
            TCP_SERVER.setAccessible(true);
            QUEUED_SERVER.setAccessible(true);
            ACCEPT_THREAD.setAccessible(true);
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
            Object tcpServer = TCP_SERVER.newInstance(worker, channel, socketOptions, true);
            server = (AcceptingChannel<StreamConnection>) QUEUED_SERVER.newInstance(tcpServer);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("XNIO refused the listening socket", e.getCause());
        } catch (ReflectiveOperationException e) {
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
            return (Executor) ACCEPT_THREAD.invoke(worker);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("XNIO's worker has no accept thread", e);
        }
    }
}
