package dev.baton.maven;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.BuildPluginManager;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;

/**
 * The dev loop: builds the app, starts it, and on every save rebuilds it and upgrades the running app through
 * the same zero-downtime hand-off as production (the new jar renamed over the deploy path, SIGUSR2). A build or
 * upgrade that fails leaves the running generation serving the last good build. Ctrl-C stops everything it
 * started; so does the end of this JVM, however it ends (the app watches it: {@code baton.ownerPid}).
 *
 * <p>The app runs with a dev profile: {@code baton.host=127.0.0.1}, a 2 s drain, no probation, a warm-up that is
 * only the self-check, and {@code baton.dev=true}, which makes browser pages reload after each upgrade. Any
 * {@code -Dbaton.*} given to Maven goes to the app as well and wins over the profile, e.g.
 * {@code ./mvnw baton:dev -Dbaton.port=9000}.
 */
@Mojo(name = "dev", requiresDependencyResolution = ResolutionScope.COMPILE_PLUS_RUNTIME, threadSafe = false)
public class DevMojo extends AbstractMojo {

    /** The profile the app runs with, before the project's and the command line's {@code baton.*}. */
    static final Map<String, String> DEV_PROFILE = Map.of(
            "baton.host", "127.0.0.1",
            "baton.drainTimeout", "2s",
            "baton.probation", "0s",
            "baton.warmUpTime", "1ms",
            "baton.readyTimeout", "30s");

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The app's main class, for the dev jar (the archetype's projects and Baton's examples set {@code main.class}). */
    @Parameter(property = "baton-dev.mainClass", defaultValue = "${main.class}")
    private String mainClass;

    /** JVM options for the app, separated by spaces, e.g. {@code -Xmx256m -Dtodo.jdbcUrl=jdbc:sqlite:dev.db}. */
    @Parameter(property = "baton-dev.jvmArgs")
    private String jvmArgs;

    /** Arguments for the app's main method, separated by spaces. */
    @Parameter(property = "baton-dev.args")
    private String args;

    /**
     * {@code dev}: the project's classes in a jar whose manifest names its dependencies (fast); {@code project}:
     * the project's own {@code package} phase (its fat jar, as deployed; seconds slower per reload).
     */
    @Parameter(property = "baton-dev.package", defaultValue = "dev")
    private String packaging;

    /** How long no file may change before a burst of changes is built (milliseconds). */
    @Parameter(property = "baton-dev.quietMillis", defaultValue = "150")
    private long quietMillis;

    /** More directories to watch, besides the project's source and resource directories. */
    @Parameter
    private List<File> watch;

    /** Show the build steps' own output (every plugin's progress), not only their warnings and errors. */
    @Parameter(property = "baton-dev.verbose", defaultValue = "false")
    private boolean verbose;

    /** The directory of the deploy path ({@code current.jar}), the dev jar's {@code lib/} and the pid file. */
    @Parameter(property = "baton-dev.dir", defaultValue = "${project.build.directory}/baton-dev")
    private File dir;

    @Component
    private LifecycleExecutor lifecycle;

    @Component
    private BuildPluginManager plugins;

    @Component
    private RepositorySystem repositories;

    /**
     * After the first build, compile with javac in this JVM, its annotation processors loaded once, with the options
     * the compiler plugin would use (see the site's dev mode page); false: the compiler plugin at every build.
     */
    @Parameter(property = "baton-dev.fastCompile", defaultValue = "true")
    private boolean fastCompile;

    @Override
    public void execute() throws MojoExecutionException {
        if (session.getProjects().size() > 1) {
            throw new MojoExecutionException("baton:dev runs one app: select its module with -pl (e.g. ./mvnw -pl "
                    + "examples/todo baton:dev), or run it in the module's directory");
        }
        Path devDir = dir.toPath().toAbsolutePath();
        Path deployPath = devDir.resolve("current.jar");
        Path pidFile = devDir.resolve("app.pid");
        MavenBuild.Packaging mode = switch (packaging) {
            case "dev" -> MavenBuild.Packaging.DEV;
            case "project" -> MavenBuild.Packaging.PROJECT;
            default -> throw new MojoExecutionException("baton-dev.package: '" + packaging + "' is neither dev nor project");
        };
        if (mode == MavenBuild.Packaging.DEV && (mainClass == null || mainClass.isBlank())) {
            throw new MojoExecutionException("baton:dev needs the app's main class for its dev jar: set the property "
                    + "main.class (or baton-dev.mainClass) in the pom, or use -Dbaton-dev.package=project");
        }
        DevLoop.Console console = new DevLoop.Console() {
            @Override
            public void info(String line) {
                getLog().info(line);
            }

            @Override
            public void error(String line) {
                getLog().error(line);
            }

            @Override
            public void warn(String line) {
                getLog().warn(line);
            }
        };
        try {
            Files.createDirectories(devDir);
            List<Path> dependencies = new ArrayList<>();
            for (Artifact artifact : project.getArtifacts()) {
                boolean runtime = Artifact.SCOPE_COMPILE.equals(artifact.getScope()) || Artifact.SCOPE_RUNTIME.equals(artifact.getScope());
                if (runtime && artifact.getArtifactHandler().isAddedToClasspath() && artifact.getFile() != null) {
                    dependencies.add(artifact.getFile().toPath());
                }
            }
            DevJar devJar = new DevJar(devDir, mainClass, dependencies);
            boolean quiet = !verbose && !getLog().isDebugEnabled();
            MavenBuild build = new MavenBuild(session, project, lifecycle, plugins, repositories, mode, devJar, deployPath,
                    quiet, fastCompile, console);
            if (verbose) {
                build.timings(line -> getLog().info("  " + line));
            }
            AppOutput output = new AppOutput(System.out, devDir.resolve("app.log"));
            output.reset(); // the last session's log is not this one's
            output.follow(20);
            App app = new App(command(deployPath, pidFile), project.getBasedir().toPath(), pidFile, output, 40_000);
            try (SourceWatcher watcher = new SourceWatcher(watched(), project.getFile() == null ? null : project.getFile().toPath())) {
                DevLoop loop = new DevLoop(build, app, watcher, deployPath, quietMillis, console);
                loop.afterFirstStart(() -> warmUpCompiler(loop, build.fastCompile()));
                java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    stopAll(loop, app, output, console);
                    stopped.countDown();
                }, "baton-dev-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                getLog().info("baton:dev: builds with " + String.join(", ", build.steps()) + "; " + build.compiler()
                        + " after the first build; the app runs from "
                        + project.getBasedir().toPath().relativize(deployPath) + " with " + String.join(" ", profile()));
                try {
                    loop.run();
                } finally {
                    if (!stopping) {
                        Runtime.getRuntime().removeShutdownHook(hook);
                        stopAll(loop, app, output, console);
                    } else {
                        // Ctrl-C: Maven says BUILD SUCCESS once the app has stopped, not while it drains
                        stopped.await(STOP_GRACE_MILLIS + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new MojoExecutionException("baton:dev: " + e.getMessage(), e);
        }
    }

    private volatile boolean stopping;
    /** How long the app has to stop after SIGTERM: the dev profile's drain (2 s), and a JVM's exit. */
    private static final long STOP_GRACE_MILLIS = 2_000 + 5_000;

    /** Ctrl-C (or the end of the loop): the app drains and exits; whatever is left after the grace is killed. */
    private void stopAll(DevLoop loop, App app, AppOutput output, DevLoop.Console console) {
        stopping = true;
        loop.stop();
        try {
            long grace = STOP_GRACE_MILLIS;
            Set<Long> killed = app.stop(grace);
            output.poll(); // the app's last lines, before this JVM ends
            if (!killed.isEmpty()) {
                console.error("killed " + killed + ": still running " + grace + " ms after SIGTERM");
            }
            console.info("baton:dev stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            // the log is gone: nothing more to print
        }
    }

    /** javac, in the background: the first reloads as fast as the later ones (see {@link CompilerWarmUp}). */
    private void warmUpCompiler(DevLoop loop, FastCompile fast) {
        try {
            List<Path> roots = project.getCompileSourceRoots().stream().map(Path::of).toList();
            int begun = loop.reloads();
            if (fast != null) {
                CompilerWarmUp.start(fast, 8, () -> loop.stopping() || loop.reloads() != begun);
                return;
            }
            CompilerWarmUp.start(roots, project.getCompileClasspathElements(), 6,
                    () -> loop.stopping() || loop.reloads() != begun);
        } catch (Exception e) {
            getLog().debug("no javac warm-up: " + e);
        }
    }

    /** The app's command line: this JVM's java, the dev profile, the project's options, the deploy path. */
    List<String> command(Path deployPath, Path pidFile) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only: a JVM that starts and warms up sooner, on fewer cores, which is what a dev loop restarts
        command.add("-XX:TieredStopAtLevel=1");
        List<String> options = split(jvmArgs);
        if (options.stream().noneMatch(option -> option.matches("-XX:\\+Use\\w*GC"))) {
            command.add("-XX:+UseSerialGC"); // fewer threads to start; the app's own choice of collector wins
        }
        command.addAll(options);
        command.addAll(profile());
        command.add("-Dbaton.dev=true");
        command.add("-Dbaton.ownerPid=" + ProcessHandle.current().pid());
        command.add("-Dbaton.pidFile=" + pidFile);
        command.add("-jar");
        command.add(deployPath.toString());
        command.addAll(split(args));
        return command;
    }

    /**
     * The dev profile, overridden by any {@code -Dbaton.*} on Maven's command line (not the pom's properties:
     * Baton would refuse one that is no setting of its own, such as a version property).
     */
    private List<String> profile() {
        Map<String, String> settings = new TreeMap<>(DEV_PROFILE);
        Properties given = session.getUserProperties();
        for (String name : given.stringPropertyNames()) {
            if (name.startsWith("baton.") && !Set.of("baton.dev", "baton.ownerPid", "baton.pidFile").contains(name)) {
                settings.put(name, given.getProperty(name));
            }
        }
        List<String> options = new ArrayList<>();
        settings.forEach((name, value) -> options.add("-D" + name + "=" + value));
        return options;
    }

    /** The project's source and resource directories (not generated ones), and any configured. */
    private Set<Path> watched() {
        Set<Path> dirs = new LinkedHashSet<>();
        Path build = Path.of(project.getBuild().getDirectory()).toAbsolutePath();
        for (String root : project.getCompileSourceRoots()) {
            Path path = Path.of(root).toAbsolutePath();
            if (!path.startsWith(build)) {
                dirs.add(path);
            }
        }
        for (Resource resource : project.getResources()) {
            Path path = Path.of(resource.getDirectory()).toAbsolutePath();
            if (!path.startsWith(build)) {
                dirs.add(path);
            }
        }
        if (watch != null) {
            watch.forEach(file -> dirs.add(file.toPath().toAbsolutePath()));
        }
        return dirs;
    }

    private static List<String> split(String options) {
        if (options == null || options.isBlank()) {
            return List.of();
        }
        return Arrays.stream(options.trim().split("\\s+")).toList();
    }
}
