package dev.baton.server;

import dev.baton.config.BatonConfig;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * Undertow's HTTP/1.1 protocol on a listening socket handed in from outside (and HTTP/2 over TLS, or cleartext by
 * prior knowledge with {@code baton.h2c}), with the drain
 * Baton needs: stop accepting, serve what is still coming on open connections with {@code Connection: close}, close
 * connections once provably idle (HTTP/2 ones after GOAWAY, see {@link Traffic}), cut what remains at the deadline.
 */
public final class HttpServer {

    /** How long a connection must have been quiet before a drain closes it under its client. */
    public static final Duration IDLE_BEFORE_CLOSE = Duration.ofSeconds(1);
    /**
     * Put on an exchange that upgrades its connection (WebSocket): what asks that connection to go away, true when it
     * did (sent its close). A drain calls it a {@link #goingAwayGrace} before its deadline, so that the client hears
     * why before the cut.
     */
    public static final AttachmentKey<BooleanSupplier> GOING_AWAY = AttachmentKey.create(BooleanSupplier.class);
    private static final long POLL_MILLIS = 20;

    static {
        // XNIO and Undertow log through jboss-logging, which would pick java.util.logging over SLF4J unless told.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    private final XnioWorker worker;
    private final HandlerThreads handlerThreads;
    private final OptionMap socketOptions;
    private final DefaultByteBufferPool buffers;
    private final OptionMap protocol;
    private final ChannelListener<AcceptingChannel<StreamConnection>> openListener;
    private final long silentConnectionMillis;
    /** The main listener's acceptor first, then those {@link #serveAlso} added: all accept, pause and close together. */
    private final List<AcceptingChannel<StreamConnection>> acceptors = new CopyOnWriteArrayList<>();
    private final Traffic traffic;
    private final int port;

    private HttpServer(ServerSocketChannel channel, HttpHandler root, BatonConfig config) throws IOException {
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        traffic = new Traffic(config.readTimeout().toNanos(), config.writeTimeout().toNanos());
        worker = Xnio.getInstance(HttpServer.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "baton")
                .set(Options.WORKER_IO_THREADS, config.ioThreads())
                .set(Options.WORKER_TASK_CORE_THREADS, config.workerThreads())
                .set(Options.WORKER_TASK_MAX_THREADS, config.workerThreads())
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        try {
            handlerThreads = HandlerThreads.start(config, worker);
            protocol = OptionMap.builder()
                    // Baton enforces baton.maxBodySize itself (413 before the body is read); Undertow's own
                    // limit (2 MB by default) would cut a body under it with no answer at all.
                    .set(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                    .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(config.requestHeadTimeout()))
                    .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(config.keepAliveTimeout()))
                    .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                    .getMap();
            // Undertow's defaults keep buffers in a cache per thread only, which suits long-lived workers. With a
            // virtual thread per request each request would allocate new direct buffers (direct memory ran out within
            // seconds under load): then no thread cache, but a shared queue of up to 1024 buffers (16 MB).
            boolean shared = handlerThreads.virtual();
            buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, shared ? 1024 : -1, shared ? 0 : 4);
            socketOptions = OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                    .set(Options.TCP_NODELAY, true)
                    .getMap();
            silentConnectionMillis = config.keepAliveTimeout().toMillis();
            openListener = openListener(root, config.h2c());
            acceptors.add(AdoptedTcpServer.serve(worker, channel, socketOptions, openListener));
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw e;
        }
    }

    /** HTTP/1.1, and with {@code h2c} cleartext HTTP/2 by prior knowledge beside it ({@link H2cOpenListener}). */
    private ChannelListener<AcceptingChannel<StreamConnection>> openListener(HttpHandler root, boolean h2c) {
        ChannelListener<StreamConnection> protocols = h2c
                ? new H2cOpenListener(http(root), http2(root), buffers, silentConnectionMillis)
                : http(root);
        return ChannelListeners.openListenerAdapter(traffic.track(protocols));
    }

    private HttpOpenListener http(HttpHandler root) {
        HttpOpenListener http = new HttpOpenListener(buffers, protocol);
        http.setRootHandler(handlers(root));
        return http;
    }

    private TrackedHttp2OpenListener http2(HttpHandler root) {
        TrackedHttp2OpenListener http2 = new TrackedHttp2OpenListener(buffers, protocol, traffic);
        http2.setRootHandler(handlers(root));
        return http2;
    }

    private HttpHandler handlers(HttpHandler root) {
        return traffic.count(CanonicalPath.before(handlerThreads.dispatchTo(root)));
    }

    /**
     * Serves {@code root} over TLS on another listening socket too, as {@link #serveAlso} does over plain HTTP:
     * each connection Baton accepts is wrapped in {@code tls}'s engine (server side) before HTTP sees it. ALPN offers
     * HTTP/2 ("h2") and HTTP/1.1, as Undertow's own HTTPS listener does with HTTP/2 enabled; a client that asks
     * for neither gets HTTP/1.1.
     */
    public void serveAlsoTls(ServerSocketChannel channel, HttpHandler root, SSLContext tls) throws IOException {
        // The buffers Undertow's own HTTPS listener has for TLS (17 KB, 12 cached per thread): a whole TLS record
        // (16 KB of data, its header and tag) fits them, not Baton's 16 KB ones.
        UndertowXnioSsl ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls);
        AlpnOpenListener alpn = new AlpnOpenListener(buffers, protocol, http(root));
        alpn.addProtocol(Http2OpenListener.HTTP2, http2(root), 10);
        ChannelListener<StreamConnection> handshake = connection -> {
            SslConnection wrapped = ssl.wrapExistingConnection(connection, OptionMap.EMPTY, false);
            traffic.wrapped(connection, wrapped);
            alpn.handleEvent(wrapped);
        };
        acceptors.add(AdoptedTcpServer.serve(worker, channel, socketOptions,
                ChannelListeners.openListenerAdapter(traffic.track(handshake))));
    }

    /**
     * Serves {@code root} on another listening socket too (the admin listener), with the same threads, limits and
     * drain: from here on, accepting, pausing, parking and closing apply to every listener. Call it before
     * accepting resumes. HTTP/1.1 only: {@code baton.h2c} is for the main listener, where proxies connect.
     */
    public void serveAlso(ServerSocketChannel channel, HttpHandler root) throws IOException {
        acceptors.add(AdoptedTcpServer.serve(worker, channel, socketOptions, openListener(root, false)));
    }

    /** Serves HTTP on {@code channel}, which must be bound and listening, with {@code config}'s threads and limits. */
    public static HttpServer start(ServerSocketChannel channel, HttpHandler root, BatonConfig config) {
        HttpServer server = startPaused(channel, root, config);
        server.resumeAccepting();
        return server;
    }

    /**
     * Ready to serve HTTP on {@code channel}, but taking no connection from it until {@link #resumeAccepting()}:
     * connections queue in the kernel meanwhile (a warm-up runs on a {@link #loopback()} listener first).
     */
    public static HttpServer startPaused(ServerSocketChannel channel, HttpHandler root, BatonConfig config) {
        try {
            return new HttpServer(channel, root, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve " + channel, e);
        }
    }

    /** A private listener on 127.0.0.1 that serves the same handlers; closing it stops it. */
    public record Loopback(int port, AcceptingChannel<StreamConnection> server) implements AutoCloseable {
        @Override
        public void close() {
            IoUtils.safeClose(server);
        }
    }

    /** Opens a {@link Loopback} listener on an ephemeral port. */
    public Loopback loopback() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AcceptingChannel<StreamConnection> loopback = AdoptedTcpServer.serve(worker, channel, socketOptions, openListener);
            loopback.resumeAccepts();
            return new Loopback(((InetSocketAddress) channel.getLocalAddress()).getPort(), loopback);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public int exchanges() {
        return traffic.exchanges();
    }

    public int connections() {
        return traffic.connections();
    }

    /** Exchanges cut since the start because their client stopped sending the body or reading the response. */
    public long stalledCut() {
        return traffic.stalledCut();
    }

    /** Stops taking connections from the listening socket for now; connections already taken are served. */
    public void pauseAccepting() {
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            acceptor.suspendAccepts();
        }
        awaitAcceptedConnections();
    }

    public void resumeAccepting() {
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            acceptor.resumeAccepts();
        }
    }

    /**
     * Stops taking connections but keeps this process's copy of the listening socket open: connections queue
     * in the kernel for whichever process accepts, and the socket outlives its other copies. Open connections
     * are served with {@code Connection: close}, as in a drain.
     */
    public void park() {
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            acceptor.suspendAccepts();
        }
        traffic.startDraining();
        awaitAcceptedConnections();
    }

    /** Serves again after {@link #park()}: takes connections, and keeps open ones alive. */
    public void unpark() {
        traffic.stopDraining();
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            acceptor.resumeAccepts();
        }
    }

    /** Closes this process's copy of the listening socket after {@link #park()}. */
    public void closeListener() {
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            IoUtils.safeClose(acceptor);
        }
    }

    /**
     * Closes this process's copy of the listening socket. The socket and its accept queue live on wherever
     * another copy is open (a new generation), so nothing queued is refused.
     */
    public void stopAccepting() {
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            acceptor.suspendAccepts();
        }
        for (AcceptingChannel<StreamConnection> acceptor : acceptors) {
            IoUtils.safeClose(acceptor);
        }
        traffic.startDraining();
        awaitAcceptedConnections();
    }

    /**
     * What a drain left behind: {@code cut} exchanges still running at the deadline (an upgraded connection counts as
     * one until it closes), and {@code goneAway} upgraded connections asked to go away (1001) just before it.
     */
    public record DrainReport(long millis, int cut, int goneAway) {}

    /**
     * How long before the drain deadline upgraded connections are asked to go away: a second, or a quarter of a
     * shorter drain, for the close to reach the client and its answer to come back before the cut.
     */
    public static Duration goingAwayGrace(Duration drainTimeout) {
        // Not Duration.dividedBy, which goes through BigDecimal: 10 ms of a drain's CPU when it first runs.
        Duration quarter = Duration.ofNanos(drainTimeout.toNanos() / 4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? quarter : Duration.ofSeconds(1);
    }

    /**
     * Stops accepting (unless {@link #park parked} or already stopped), lets open connections finish until
     * {@code timeout}, then cuts what remains; or stops waiting as soon as {@code abandon} says so, leaving open
     * connections be. The threads live on until {@link #shutdown}. A connection is closed once it was quiet for
     * {@code idleBeforeClose}: {@link #IDLE_BEFORE_CLOSE} when a successor takes the listener, since its client may
     * be sending a request on it right then; zero with no successor (an app embedded in another process), when
     * there is nothing to wait for.
     */
    public DrainReport drain(Duration timeout, Duration idleBeforeClose, BooleanSupplier abandon) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        if (!traffic.draining()) {
            stopAccepting();
        }
        long goAwayAt = deadline - goingAwayGrace(timeout).toNanos();
        int cut = 0;
        int goneAway = -1;
        while (traffic.connections() > 0 && !abandon.getAsBoolean()) {
            long now = System.nanoTime();
            if (goneAway < 0 && now >= goAwayAt) {
                goneAway = traffic.goAway();
            }
            if (now >= deadline) {
                cut = traffic.closeAll();
                break;
            }
            traffic.closeIdle(idleBeforeClose.toNanos());
            sleep(POLL_MILLIS);
        }
        return new DrainReport(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), cut, Math.max(goneAway, 0));
    }

    /** Stops the IO and worker threads (and the handlers' virtual threads), after a drain. */
    public void shutdown() {
        worker.shutdown();
        try {
            worker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handlerThreads.shutdown(1, TimeUnit.SECONDS);
    }

    // XNIO's accept thread accepts in its select loop and queues each connection to an IO thread, whose task hands
    // it to the open listener (which counts it); suspendAccepts queued a task on the accept thread. A task queued
    // behind that one has run once no accept is under way or can start; one then queued on every IO thread runs
    // behind every connection those accepts queued there. Then the drain counts every connection accepted.
    private void awaitAcceptedConnections() {
        await(List.of(AdoptedTcpServer.acceptThread(worker)));
        List<Executor> ioThreads = new ArrayList<>();
        for (int i = 0; i < worker.getIoThreadCount(); i++) {
            ioThreads.add(worker.getIoThread(i));
        }
        await(ioThreads);
    }

    /** Waits until a task queued now on each of {@code threads} has run. */
    private static void await(List<Executor> threads) {
        CountDownLatch passed = new CountDownLatch(threads.size());
        for (Executor thread : threads) {
            thread.execute(passed::countDown);
        }
        try {
            passed.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
