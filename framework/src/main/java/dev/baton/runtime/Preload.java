package dev.baton.runtime;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

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

    /**
     * Baton's packages whose code runs when a generation stops, upgrades, drains or resumes. All their classes are
     * loaded, read from the jar's own listing, so that a nested or synthetic class (an enum switch's map) added
     * later cannot be missed.
     */
    private static final List<String> STOP_PATH_PACKAGES = List.of("dev/baton/runtime/", "dev/baton/server/",
            "dev/baton/ops/", "dev/baton/ws/");

    /**
     * What Undertow, XNIO and JBoss Threads load only when they stop accepting, close connections and shut their
     * workers down: anonymous and private classes, so no class literal can name them. Found by stopping,
     * upgrading and rolling back generations on JDK 17 and 25 with -Xlog:class+load; ZeroDowntimeIT fails when
     * a dependency's update adds one.
     */
    private static final List<String> DEPENDENCIES_STOP_PATH = List.of("org.xnio.nio.NioTcpServerHandle$3",
            "org.xnio.nio.WorkerThread$SelectNowTask", "org.xnio.XnioWorker$ExternalTaskPool", "org.xnio.XnioWorker$3",
            "org.jboss.threads.ContextClassLoaderSavingRunnable", "org.jboss.threads.JDKSpecific",
            "io.undertow.util.ConnectionUtils");

    private Preload() {}

    /**
     * Loads, ahead of any signal, what an upgrade, a rollback, a drain and a stop need. A deploy that overwrites
     * the running jar in place (cp instead of mv) leaves this JVM unable to load classes from it; the machinery
     * that must then stop this generation, or refuse or roll back the upgrade, is already in memory, and the checks
     * an upgrade makes before it starts the child have run once ({@link Upgrader#rehearse}). It also takes jnr's
     * start-up off the hand-off's critical path. A generation that took over with its stderr still
     * piped through its parent merges it into stdout first (the parent relays it until then). Then, as nothing
     * hurries, it checks that the JVM mapped the archive it was given.
     */
    static void upgradePath(Lifecycle lifecycle) {
        Events events = lifecycle.events();
        start("baton-warm-up", () -> {
            try {
                Thread.sleep(UPGRADE_PATH_DELAY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Parent.mergeStderrIfStillPiped(events);
            loadStopPath();
            Native.getpid();
            Upgrader.rehearse(lifecycle);
            ClassArchive.warnIfNotMapped(events);
        });
    }

    /**
     * In a training run, loads now what a generation started with its archive needs later: its side of the
     * hand-off, right after its warm-up, and the upgrade and stop paths. A training run never hands over, so
     * without this the archive would lack them, and a new generation would read them from the jar while it takes
     * over, on cores the old generation keeps busy.
     */
    static void forArchive() {
        Native.getpid();
        loadStopPath();
    }

    private static void loadStopPath() {
        ClassLoader loader = Preload.class.getClassLoader();
        for (String name : batonStopPathClasses()) {
            load(name, loader);
        }
        for (String name : DEPENDENCIES_STOP_PATH) {
            load(name, loader);
        }
    }

    private static void load(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // Another version of a dependency, or a class whose optional dependency is absent: it loads on demand.
        }
    }

    /** The class names in {@link #STOP_PATH_PACKAGES}, from the jar (or, in Baton's own build, the directory) that holds them. */
    private static List<String> batonStopPathClasses() {
        List<String> names = new ArrayList<>();
        try {
            Path source = Path.of(Preload.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                for (String dir : STOP_PATH_PACKAGES) {
                    try (Stream<Path> files = Files.list(source.resolve(dir))) {
                        files.forEach(file -> addIfClass(source.relativize(file).toString(), names));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        addIfClass(entries.nextElement().getName(), names);
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // No listing (an unusual class loader): every class still loads on demand.
        }
        return names;
    }

    /** Adds the class at {@code path} (in the jar's form, a/b/C.class) if it is one of {@link #STOP_PATH_PACKAGES}. */
    private static void addIfClass(String path, List<String> names) {
        if (!path.endsWith(".class") || path.endsWith("-info.class")) {
            return;
        }
        for (String stopPathPackage : STOP_PATH_PACKAGES) {
            if (path.startsWith(stopPathPackage)) {
                names.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
                return;
            }
        }
    }

    private static void start(String name, Runnable load) {
        Thread thread = new Thread(load, name);
        thread.setDaemon(true);
        thread.start();
    }
}
