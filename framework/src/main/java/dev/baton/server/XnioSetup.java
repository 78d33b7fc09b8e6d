package dev.baton.server;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.Xnio;

/**
 * XNIO's one-time set-up, begun on daemon threads as soon as an app is created, so that it runs while the app
 * declares its routes, reads its configuration and takes its listener. The longest part is the JVM's platform MBean
 * server, where XNIO registers its beans: 100-160 ms of CPU on its own (JDK 17 and 25, 2 cores), most of it the
 * diagnostic commands' descriptions. It starts on a thread of its own, beside XNIO's classes and logging, so that
 * the two overlap each other as well as the app's start. The first server then finds XNIO ready, or waits for the
 * rest of its set-up (the JVM lets one thread initialise a class while others wait for it).
 */
public final class XnioSetup {

    private static final AtomicBoolean BEGUN = new AtomicBoolean();

    private XnioSetup() {}

    /** Begins the set-up, once in this JVM: later calls (an app per test) find it begun, or done. */
    public static void begin() {
        if (!BEGUN.compareAndSet(false, true)) {
            return;
        }
        start(new MBeanServer(), "baton-mbean-setup");
        start(new Provider(), "baton-xnio-setup");
    }

    private static void start(Runnable setUp, String name) {
        Thread thread = new Thread(setUp, name);
        thread.setDaemon(true);
        thread.start();
    }

    // Classes rather than method references: linking one costs the main thread more than the thread saves it.

    private static final class MBeanServer implements Runnable {
        @Override
        public void run() {
            try {
                ManagementFactory.getPlatformMBeanServer();
            } catch (RuntimeException | LinkageError e) {
                // XNIO then registers no beans: it ignores a server it cannot have.
            }
        }
    }

    private static final class Provider implements Runnable {
        @Override
        public void run() {
            try {
                Xnio.getInstance(XnioSetup.class.getClassLoader());
            } catch (RuntimeException | LinkageError e) {
                // The first server meets the same failure, and reports it where it can be acted on.
            }
        }
    }
}
