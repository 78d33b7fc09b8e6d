package dev.baton.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * baton:dev's loop: build, start generation 1, then on each burst of changes build again and, when the build
 * succeeds, put the jar at the deploy path (renamed over it: the running generation's jar is never rewritten) and
 * upgrade with SIGUSR2, exactly as production does. A failed build or upgrade leaves the serving generation alone.
 */
final class DevLoop {

    /** Where the loop reports: one line per reload, errors in full. */
    interface Console {
        void info(String line);

        void error(String line);

        void warn(String line);
    }

    private final Build build;
    private final App app;
    private final SourceWatcher watcher;
    private final Path deployPath;
    private final long quietMillis;
    private final Console console;
    private volatile boolean stopping;
    private volatile int reloads;
    private Runnable afterFirstStart = () -> { };

    DevLoop(Build build, App app, SourceWatcher watcher, Path deployPath, long quietMillis, Console console) {
        this.build = build;
        this.app = app;
        this.watcher = watcher;
        this.deployPath = deployPath;
        this.quietMillis = quietMillis;
        this.console = console;
    }

    /** Runs until the thread is interrupted or {@link #stop} is called. */
    void run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Build.Result first = build.run(null);
        if (first.ok()) {
            deploy(first.jar());
            startApp(start, first, "started");
        } else {
            reportBuildFailure(first, "the app is not running");
        }
        while (!stopping) {
            SourceWatcher.Burst burst = watcher.next(500, quietMillis);
            if (stopping) {
                return;
            }
            if (burst == null) {
                continue;
            }
            if (burst.pom()) {
                console.info("pom.xml changed: its changes take effect when baton:dev starts again (Ctrl-C, then run it again)");
            }
            if (!burst.files().isEmpty()) {
                reload(burst);
            }
        }
    }

    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** Reloads begun so far. */
    int reloads() {
        return reloads;
    }

    /** Runs {@code task} once, when the app first serves. */
    void afterFirstStart(Runnable task) {
        this.afterFirstStart = task;
    }

    private void reload(SourceWatcher.Burst burst) throws IOException, InterruptedException {
        reloads++;
        Build.Result result = build.run(burst.files());
        String changed = changed(burst.files());
        if (!result.ok()) {
            reportBuildFailure(result, app.running() ? "pid " + app.servingPid() + " keeps serving the last good build"
                    : "the app is not running");
            return;
        }
        deploy(result.jar());
        if (!app.running()) {
            startApp(burst.firstSeen(), result, "started");
            return;
        }
        long handOff = System.nanoTime();
        App.Outcome outcome = app.upgrade();
        long end = System.nanoTime();
        if (outcome.ok()) {
            console.info(String.format(Locale.ROOT, "reloaded in %s: compile %s, package %s, hand-off %s (%s)",
                    seconds(end - burst.firstSeen()), seconds(result.compileNanos()), seconds(result.packageNanos()),
                    seconds(end - handOff), changed));
        } else {
            console.error("reload failed: " + outcome.failure());
            console.error(app.running() ? "pid " + app.servingPid() + " keeps serving the last good build; fix and save to try again"
                    : "the app is not running; fix and save to start it");
        }
    }

    private void startApp(long since, Build.Result result, String what) throws IOException, InterruptedException {
        long handOff = System.nanoTime();
        App.Outcome outcome = app.start();
        long end = System.nanoTime();
        if (outcome.ok()) {
            console.info(String.format(Locale.ROOT, "%s in %s: compile %s, package %s, start %s (pid %d); watching %s",
                    what, seconds(end - since), seconds(result.compileNanos()), seconds(result.packageNanos()),
                    seconds(end - handOff), outcome.pid(), String.join(", ", watcher.roots().stream().map(Path::toString).toList())));
            Runnable task = afterFirstStart;
            afterFirstStart = () -> { };
            task.run();
        } else {
            console.error("the app did not start: " + outcome.failure() + "; fix and save to start it again");
        }
    }

    private void reportBuildFailure(Build.Result result, String consequence) {
        if (result.failure() != null) {
            console.error(result.failure());
        }
        console.error("build failed: " + consequence);
    }

    /** The new jar goes beside the deploy path, then is renamed over it: an upgrade reads a whole jar, old or new. */
    private void deploy(Path jar) throws IOException {
        Files.createDirectories(deployPath.getParent());
        Path part = partFor(deployPath);
        if (!jar.equals(part)) {
            Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(part, deployPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The jar a build writes when it writes its own (not a copy of the project's): renamed, never copied. */
    static Path partFor(Path deployPath) {
        return deployPath.resolveSibling("." + deployPath.getFileName() + ".part");
    }

    static String changed(Set<Path> files) {
        List<String> names = SourceWatcher.names(files);
        String count = files.size() + (files.size() == 1 ? " file changed" : " files changed");
        if (names.isEmpty() || names.size() > 3) {
            return count;
        }
        return count + ": " + String.join(", ", names);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
