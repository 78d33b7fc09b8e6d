package dev.baton.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.lifecycle.LifecycleExecutor;
import org.apache.maven.lifecycle.MavenExecutionPlan;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.BuildPluginManager;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;

/**
 * Builds the project through its own lifecycle, in this JVM: the plugins and their configuration are the
 * project's (Dagger's annotation processor, resources, the compiler's incremental check), and a second build
 * costs what the changes cost, not a Maven start and a cold compiler. Test phases and the enforcer are left out.
 *
 * <p>Two ways to package: {@link Packaging#DEV}, the default, runs the lifecycle to {@code process-classes} and
 * writes a {@link DevJar}; {@link Packaging#PROJECT} runs it to {@code package} and takes the project's own jar
 * (the shaded fat jar of production), which takes seconds more.
 */
final class MavenBuild implements Build {

    enum Packaging { DEV, PROJECT }

    private static final Set<String> COMPILE_PHASES = Set.of("validate", "initialize", "generate-sources",
            "process-sources", "generate-resources", "process-resources", "compile", "process-classes");

    private final MavenSession session;
    private final MavenProject project;
    private final BuildPluginManager plugins;
    private final Packaging packaging;
    private final DevJar devJar;
    private final Path deployPath;
    private final boolean quiet;
    private final List<MojoExecution> compileSteps = new ArrayList<>();
    private final List<MojoExecution> packageSteps = new ArrayList<>();
    private final DevLoop.Console console;
    /** The compiler plugin's compile step, and the fast compile that stands in for it after the first build. */
    private MojoExecution javacStep;
    private FastCompile fast;
    private String fastCompileOff;
    private int builds;
    /** Where each step's time goes, with -Dbaton-dev.verbose; else null. */
    private java.util.function.Consumer<String> timings;

    MavenBuild(MavenSession session, MavenProject project, LifecycleExecutor lifecycle, BuildPluginManager plugins,
            RepositorySystem repositories, Packaging packaging, DevJar devJar, Path deployPath, boolean quiet,
            boolean fastCompile, DevLoop.Console console) throws Exception {
        this.console = console;
        this.session = session;
        this.project = project;
        this.plugins = plugins;
        this.packaging = packaging;
        this.devJar = devJar;
        this.deployPath = deployPath;
        this.quiet = quiet;
        MavenExecutionPlan plan = lifecycle.calculateExecutionPlan(session,
                packaging == Packaging.DEV ? "process-classes" : "package");
        for (MojoExecution step : plan.getMojoExecutions()) {
            String phase = step.getLifecyclePhase();
            if (phase == null || phase.contains("test") || "maven-enforcer-plugin".equals(step.getArtifactId())) {
                // Tests are the real build's; so are the enforcer's rules, some of which refuse the SNAPSHOT
                // version of a plugin run from the command line, as baton:dev may be
                continue;
            }
            (COMPILE_PHASES.contains(phase) ? compileSteps : packageSteps).add(step);
        }
        if (quiet) {
            quietSteps();
        }
        StringBuilder why = new StringBuilder();
        for (MojoExecution step : compileSteps) {
            if ("maven-compiler-plugin".equals(step.getArtifactId()) && "compile".equals(step.getGoal()) && fastCompile) {
                javacStep = step;
                fast = FastCompile.of(session, project, step, repositories, why);
            }
        }
        fastCompileOff = !fastCompile ? "-Dbaton-dev.fastCompile=false" : javacStep == null ? "no compiler:compile step" : why.toString();
    }

    void timings(java.util.function.Consumer<String> timings) {
        this.timings = timings;
    }

    /** The steps that run, as goal@execution ids, for the start-up line. */
    List<String> steps() {
        List<String> names = new ArrayList<>();
        for (MojoExecution step : compileSteps) {
            names.add(name(step));
        }
        for (MojoExecution step : packageSteps) {
            names.add(name(step));
        }
        if (packaging == Packaging.DEV) {
            names.add("dev jar");
        }
        return names;
    }

    private static String name(MojoExecution step) {
        return step.getArtifactId().replace("maven-", "").replace("-plugin", "") + ":" + step.getGoal();
    }

    /** How the sources are compiled, for the start-up line. */
    String compiler() {
        return fast != null ? "compiles with " + fast.describe() + " (the compiler plugin's options)"
                : "compiles with the compiler plugin (" + fastCompileOff + ")";
    }

    FastCompile fastCompile() {
        return fast;
    }

    @Override
    public Result run(Set<Path> changed) throws InterruptedException {
        this.changed = changed;
        builds++;
        session.setCurrentProject(project);
        // A jar from the previous build is no reason for the jar plugin to refuse this one
        project.getArtifact().setFile(null);
        long start = System.nanoTime();
        String failure = execute(compileSteps);
        if (failure == null && changed != null) {
            deleteRemovedResources(changed);
        }
        long compiled = System.nanoTime();
        if (failure != null) {
            return new Result(null, compiled - start, 0, failure.isEmpty() ? null : failure);
        }
        Path jar;
        if (packaging == Packaging.DEV) {
            jar = DevLoop.partFor(deployPath);
            try {
                devJar.write(Path.of(project.getBuild().getOutputDirectory()), jar);
            } catch (Exception e) {
                return new Result(null, compiled - start, System.nanoTime() - compiled, "cannot write the dev jar: " + e);
            }
        } else {
            failure = execute(packageSteps);
            if (failure != null) {
                return new Result(null, compiled - start, System.nanoTime() - compiled, failure.isEmpty() ? null : failure);
            }
            jar = project.getArtifact().getFile() == null ? null : project.getArtifact().getFile().toPath();
            if (jar == null) {
                return new Result(null, compiled - start, System.nanoTime() - compiled,
                        "the package phase made no jar (" + project.getPackaging() + " packaging)");
            }
        }
        return new Result(jar, compiled - start, System.nanoTime() - compiled, null);
    }

    private Set<Path> changed;

    /** Null when every step passed; else why not ("" when the plugin reported it in full already). */
    private String execute(List<MojoExecution> steps) throws InterruptedException {
        for (MojoExecution step : steps) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (step == javacStep && fast != null && builds > 1) {
                String failure = compileFast();
                if (failure != null) {
                    return failure;
                }
                continue;
            }
            try {
                long start = System.nanoTime();
                plugins.executeMojo(session, step);
                if (timings != null) {
                    timings.accept(name(step) + " " + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
            } catch (Exception e) {
                if (e.getClass().getName().endsWith("CompilationFailureException")) {
                    return ""; // the compiler printed every error already
                }
                StringBuilder why = new StringBuilder(name(step) + " failed: " + e.getMessage());
                for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                    why.append("\n  caused by ").append(cause);
                }
                return why.toString();
            }
        }
        return null;
    }

    /**
     * A resource deleted from the sources goes from the output directory too (the resources plugin only ever adds):
     * else the dev jar would go on carrying it.
     */
    private void deleteRemovedResources(Set<Path> changed) {
        Path output = Path.of(project.getBuild().getOutputDirectory());
        for (Path path : changed) {
            if (Files.exists(path)) {
                continue;
            }
            for (Resource resource : project.getResources()) {
                Path root = Path.of(resource.getDirectory()).toAbsolutePath();
                if (!path.startsWith(root)) {
                    continue;
                }
                Path target = resource.getTargetPath() == null ? output : output.resolve(resource.getTargetPath());
                Path copy = target.resolve(root.relativize(path).toString());
                try {
                    if (copy.startsWith(output) && Files.isRegularFile(copy)) {
                        Files.delete(copy);
                    }
                } catch (IOException e) {
                    console.warn("cannot delete " + copy + ", whose source was deleted: " + e);
                }
            }
        }
    }

    /** The compile step, by {@link FastCompile}: only when a source changed, as the plugin would find. */
    private String compileFast() {
        if (changed != null && changed.stream().noneMatch(path -> path.toString().endsWith(".java"))) {
            return null;
        }
        long start = System.nanoTime();
        try {
            Javac.Result result = fast.compile(changed == null ? List.of() : changed);
            result.warnings().forEach(warning -> console.warn(warning));
            if (!result.ok()) {
                console.error("COMPILATION ERROR : ");
                result.errors().forEach(console::error);
                console.error(result.errors().size() + (result.errors().size() == 1 ? " error" : " errors"));
                return "";
            }
            if (timings != null) {
                timings.accept("javac " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "compile failed: " + e;
        }
    }

    /**
     * Only warnings and errors from the steps: each build would otherwise print the plugins' progress (every jar
     * shaded, every resource copied). Maven's logging reads a logger's level when the logger is made, which for a
     * plugin is at its first execution, after this.
     */
    private void quietSteps() {
        List<String> loggers = new ArrayList<>(QUIET_LOGGERS);
        for (MojoExecution step : compileSteps) {
            if (step.getMojoDescriptor() != null) {
                loggers.add(step.getMojoDescriptor().getImplementation());
            }
        }
        for (MojoExecution step : packageSteps) {
            if (step.getMojoDescriptor() != null) {
                loggers.add(step.getMojoDescriptor().getImplementation());
            }
        }
        for (String logger : loggers) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /** The libraries behind the plugins, which log their progress under their own names. */
    private static final List<String> QUIET_LOGGERS = List.of("org.codehaus.plexus.compiler",
            "org.apache.maven.shared.filtering", "org.codehaus.plexus.archiver", "org.apache.maven.plugins.shade");
}
