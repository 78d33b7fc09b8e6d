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

    /**
     * Loads, ahead of any signal, what an upgrade, a rollback and a drain need. A deploy that overwrites the
     * running jar in place (cp instead of mv) leaves this JVM unable to load classes from it; the machinery that
     * must then refuse or roll back the upgrade is already in memory. It also takes jnr's start-up off the
     * hand-off's critical path. A generation that took over with its stderr still piped through its parent
     * merges it into stdout first (the parent relays it until then). Then, as nothing hurries, it checks that the
     * JVM mapped the archive it was given.
     */
    static void upgradePath(Events events) {
        start("baton-warm-up", () -> {
            try {
                Thread.sleep(UPGRADE_PATH_DELAY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Parent.mergeStderrIfStillPiped(events);
            load(upgradePathClasses());
            Native.getpid();
            ClassArchive.warnIfNotMapped(events);
        });
    }

    /**
     * In a training run, loads now what a generation started with its archive needs later: its side of the
     * hand-off, right after its warm-up, and the upgrade path. A training run never hands over, so without this
     * the archive would lack them, and a new generation would read them from the jar while it takes over, on
     * cores the old generation keeps busy.
     */
    static void forArchive() {
        Native.getpid();
        load(upgradePathClasses());
        load(List.of(Parent.class, Parent.Answer.class, Parent.Verdict.class, ReadyChannel.class, ReadyChannel.Answer.class,
                ProbationLink.class, ParkedParent.class, Supervisors.class, PidFile.class, SystemdNotify.class));
    }

    private static List<Class<?>> upgradePathClasses() {
        return List.of(Upgrader.class, Deploy.class, ReadyChannel.class, Handoff.class, Fds.class, Listener.class,
                ChildStderr.class, HttpServer.DrainReport.class, PidFile.class, SystemdNotify.class, ClassArchive.class,
                ClassArchive.Kind.class, Probation.class, Probation.End.class, Probation.Outcome.class, ProbationLink.class);
    }

    private static void load(List<Class<?>> classes) {
        classes.forEach(Class::getName); // the class literals load them; nothing more is needed
    }

    private static void start(String name, Runnable load) {
        Thread thread = new Thread(load, name);
        thread.setDaemon(true);
        thread.start();
    }
}
