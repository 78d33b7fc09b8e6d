package dev.baton.server;

import dev.baton.config.BatonConfig;
import dev.baton.config.ConfigException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.channels.Selector;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioWorker;

/**
 * Where blocking handlers run: XNIO's worker pool ({@code baton.workerThreads} platform threads), or a virtual thread
 * of their own per request ({@code baton.virtualThreads}, Java 21 and later). Baton is built for and runs on Java 17,
 * so the Java 21 API is reached through method handles, in this class only.
 *
 * <p>With virtual threads, every exchange of the server gets the virtual-thread executor as its
 * {@linkplain io.undertow.server.HttpServerExchange#setDispatchExecutor dispatch executor}, which is where the request
 * pipeline hands a blocking handler (and where any {@code exchange.dispatch(task)} of a handler goes). Blocking
 * reads and writes on a virtual thread work as on a worker: XNIO waits for the socket with a selector of the waiting
 * thread's own, which it caches per thread and closes only when the garbage collector finalizes it. A worker reuses
 * its selector for its whole life; each virtual thread would open one more (an epoll descriptor and an eventfd) and
 * leave it open until some collection, or forever with finalization disabled. So each virtual thread closes the
 * selector it opened, if any, when its request is done.
 */
public final class HandlerThreads {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    /** How many handler threads were named: the number in the next one's name. */
    private static final AtomicLong NAMED = new AtomicLong();

    private final ExecutorService virtual; // null: XNIO's worker pool
    private final ThreadLocal<?> xnioSelector; // XNIO's per-thread selector cache, or null when it cannot be reached
    private final Field holderSelector;

    private HandlerThreads(ExecutorService virtual, XnioWorker worker) {
        this.virtual = virtual;
        ThreadLocal<?> local = null;
        Field selector = null;
        if (virtual != null) {
            try {
                Field cache = Class.forName("org.xnio.nio.NioXnio").getDeclaredField("selectorThreadLocal");
                cache.setAccessible(true);
                local = (ThreadLocal<?>) cache.get(worker.getXnio());
                selector = Class.forName("org.xnio.nio.NioXnio$FinalizableSelectorHolder").getDeclaredField("selector");
                selector.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // An XNIO that moved its selector cache (XnioInternalsTest would say so): virtual threads still work,
                // their selectors just wait for the collector.
                LOG.warn("cannot reach XNIO's per-thread selector cache ({}): a virtual thread that waits for a socket"
                        + " leaves its selector to the garbage collector", e.toString());
                local = null;
                selector = null;
            }
        }
        this.xnioSelector = local;
        this.holderSelector = selector;
    }

    /**
     * The threads {@code config} asks for on this JVM. A {@code baton.virtualThreads=true} that this JVM cannot honour
     * is refused by the configuration already; this checks again, for a JDK 21+ whose API could not be reached.
     */
    static HandlerThreads start(BatonConfig config, XnioWorker worker) {
        BatonConfig.VirtualThreads setting = config.virtualThreads();
        if (!setting.virtualOn(Runtime.version().feature())) {
            return new HandlerThreads(null, worker);
        }
        ExecutorService executor = newVirtualThreadPerTaskExecutor();
        if (executor == null) {
            if (setting == BatonConfig.VirtualThreads.TRUE) {
                throw new ConfigException("baton.virtualThreads", "baton.virtualThreads: 'true' needs virtual threads,"
                        + " and this JVM (Java " + System.getProperty("java.version") + ") offers none: set it to auto"
                        + " or false");
            }
            return new HandlerThreads(null, worker);
        }
        LOG.info("handlers run on virtual threads (baton.virtualThreads={}, Java {})", setting.text(),
                System.getProperty("java.version"));
        return new HandlerThreads(executor, worker);
    }

    /** Whether this JVM has virtual threads (Java 21 or later). */
    public static boolean available() {
        return IS_VIRTUAL != null;
    }

    /** {@code thread.isVirtual()} on Java 21 and later; false below. */
    public static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual failed", e);
        }
    }

    /** Whether blocking handlers run on virtual threads. */
    boolean virtual() {
        return virtual != null;
    }

    /** {@code root}, made to dispatch to virtual threads if they are in use. */
    HttpHandler dispatchTo(HttpHandler root) {
        return virtual == null ? root : new VirtualDispatch(root);
    }

    /** Stops taking tasks and waits up to {@code timeout} for those running; a handler still running is left be. */
    void shutdown(long timeout, TimeUnit unit) {
        if (virtual == null) {
            return;
        }
        virtual.shutdown();
        try {
            virtual.awaitTermination(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The next two are named classes rather than lambdas: a lambda is linked at its first call, and these are
    // first called by the first request, which waits for them (half a millisecond each on JDK 25).

    /** Sets the virtual-thread executor as each exchange's dispatch executor, and is that executor. */
    private final class VirtualDispatch implements HttpHandler, Executor {
        private final HttpHandler root;

        VirtualDispatch(HttpHandler root) {
            this.root = root;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            exchange.setDispatchExecutor(this);
            root.handleRequest(exchange);
        }

        @Override
        public void execute(Runnable task) {
            virtual.execute(new HandlerTask(task));
        }
    }

    /** One task on a virtual thread of its own, named as Baton's; it closes the thread's selector when done. */
    private final class HandlerTask implements Runnable {
        private final Runnable task;

        HandlerTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            Thread.currentThread().setName("baton-handler-".concat(Long.toString(NAMED.incrementAndGet())));
            try {
                task.run();
            } finally {
                releaseSelector();
            }
        }
    }

    /** Closes the selector XNIO opened for this (virtual) thread, if it opened one. */
    private void releaseSelector() {
        if (xnioSelector == null) {
            return;
        }
        Object holder = xnioSelector.get();
        if (holder == null) {
            return;
        }
        xnioSelector.remove();
        try {
            IoUtils.safeClose((Selector) holderSelector.get(holder));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // setAccessible succeeded: not reached
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // Java 17 to 20
        }
    }

    /**
     * {@code Executors.newVirtualThreadPerTaskExecutor()}, or null below Java 21. Its threads are named as each task
     * starts ({@link HandlerTask}): a named factory ({@code Thread.ofVirtual().name(...)}) is reached only through
     * method handles adapted to types Java 17 cannot name, which the JVM generates classes for at start-up.
     */
    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        if (IS_VIRTUAL == null) {
            return null;
        }
        try {
            return (ExecutorService) MethodHandles.publicLookup().findStatic(Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class)).invokeExact();
        } catch (Throwable e) {
            LOG.warn("virtual threads are not available: {}", e.toString());
            return null;
        }
    }
}
