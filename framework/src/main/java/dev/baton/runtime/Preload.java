package dev.baton.runtime;

import dev.baton.server.HttpServer;
import java.util.List;

/** Loading ahead of need, on daemon threads, so that what must be quick later does not wait for class loading. */
final class Preload {

    /**
     * How long after ready the upgrade path is loaded. A generation gets its first requests right after it is
     * ready (the hand-off, a load balancer's health check), while every class they need is still loaded, and on a
     * small machine jnr's start-up (a native library written out and loaded, proxies generated) would compete with
     * them for the CPU: it took 30-40 ms off the first response on 2 cores. An upgrade asked for within this second
     * loads the same classes on demand.
     */
    private static final long UPGRADE_PATH_DELAY_MILLIS = 1000;

    private Preload() {}

    /** jnr-posix and jffi's native library: a new generation needs them right after the hand-off. */
    static void nativeCalls() {
        start("baton-native-load", Native::getpid);
    }

    /**
     * Loads, ahead of any signal, what an upgrade, a rollback and a drain need. A deploy that overwrites the
     * running jar in place (cp instead of mv) leaves this JVM unable to load classes from it; the machinery that
     * must then refuse or roll back the upgrade is already in memory. It also takes jnr's start-up off the
     * hand-off's critical path.
     */
    static void upgradePath() {
        start("baton-warm-up", () -> {
            try {
                Thread.sleep(UPGRADE_PATH_DELAY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            List.of(Upgrader.class, Deploy.class, ReadyChannel.class, Handoff.class, Fds.class, Listener.class,
                    ChildStderr.class, HttpServer.DrainReport.class, PidFile.class, SystemdNotify.class, ClassArchive.class, ClassArchive.Kind.class, Probation.class,
                    Probation.End.class, Probation.Outcome.class, ProbationLink.class).forEach(Class::getName);
            Native.getpid();
        });
    }

    private static void start(String name, Runnable load) {
        Thread thread = new Thread(load, name);
        thread.setDaemon(true);
        thread.start();
    }
}
