package dev.baton.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.PluginParameterExpressionEvaluator;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;

/**
 * The compiler plugin's {@code compile}, done by {@link Javac} with the options the plugin would give javac, worked
 * out from the plugin's own configuration as Maven evaluates it (the pom's, the {@code maven.compiler.*}
 * properties, the defaults). For the configurations a project of this kind has; anything else ({@code fork},
 * another compiler, includes and excludes, a {@code module-info.java}, a toolchain) keeps the plugin, and so does
 * the first build of a session. Every source is compiled, as the plugin does when anything changed; the classes and
 * generated sources of a source deleted since are deleted with it.
 */
final class FastCompile {

    /** Parameters whose presence in the plugin's configuration this does not follow: then the plugin compiles. */
    private static final List<String> UNSUPPORTED = List.of("includes", "excludes", "compilerArgument",
            "compilerArguments", "jdkToolchain", "multiReleaseOutput", "executable", "annotationProcessorPathsUseDepMgmt");

    private final List<String> options;
    private final List<Path> sourceRoots;
    private final Charset encoding;
    private final Javac javac;
    private final Path classes;
    private final Path generatedSources;
    /** What the last compile wrote: what is not written again is stale. */
    private Set<Path> written = new HashSet<>();

    private FastCompile(List<String> options, List<Path> sourceRoots, Charset encoding, Javac javac, Path classes,
            Path generatedSources) {
        this.options = List.copyOf(options);
        this.sourceRoots = List.copyOf(sourceRoots);
        this.encoding = encoding;
        this.javac = javac;
        this.classes = classes;
        this.generatedSources = generatedSources;
    }

    /** Why the compiler plugin's configuration is one this cannot follow, or null. Exposed for the start-up line. */
    static String unsupported(MojoExecution step) {
        if (!"maven-compiler-plugin".equals(step.getArtifactId()) || !"compile".equals(step.getGoal())) {
            return "not the compiler plugin's compile";
        }
        Xpp3Dom config = step.getConfiguration();
        if (config == null) {
            return "no configuration";
        }
        for (String name : UNSUPPORTED) {
            Xpp3Dom child = config.getChild(name);
            if (child != null && (child.getValue() != null && !child.getValue().startsWith("${") || child.getChildCount() > 0)) {
                return name + " is set";
            }
        }
        return null;
    }

    /** The fast compile for {@code step}, or null (with the reason in {@code why}) when the plugin has to do it. */
    static FastCompile of(MavenSession session, MavenProject project, MojoExecution step, RepositorySystem repositories,
            StringBuilder why) {
        String unsupported = unsupported(step);
        if (unsupported != null) {
            why.append(unsupported);
            return null;
        }
        try {
            Config config = new Config(new PluginParameterExpressionEvaluator(session, step), step.getConfiguration());
            if (config.bool("skipMain", false)) {
                why.append("skipMain");
                return null;
            }
            if (config.bool("fork", false) || !"javac".equals(config.text("compilerId", "javac"))
                    || config.bool("forceLegacyJavacApi", false)) {
                why.append("a forked or other compiler");
                return null;
            }
            Path classes = Path.of(config.text("outputDirectory", project.getBuild().getOutputDirectory()));
            String generated = config.text("generatedSourcesDirectory", null);
            Path generatedSources = generated == null ? null : Path.of(generated);
            List<Path> roots = new ArrayList<>();
            for (String root : project.getCompileSourceRoots()) {
                Path path = Path.of(root);
                if (!path.equals(generatedSources) && Files.isDirectory(path)) {
                    roots.add(path);
                }
            }
            for (Path root : roots) {
                if (Files.exists(root.resolve("module-info.java"))) {
                    why.append("module-info.java");
                    return null;
                }
            }
            List<String> options = new ArrayList<>(Javac.outputs(classes, generatedSources));
            options.addAll(List.of("-classpath", String.join(File.pathSeparator, project.getCompileClasspathElements())));
            if (!roots.isEmpty()) {
                options.addAll(List.of("-sourcepath", String.join(File.pathSeparator, roots.stream().map(Path::toString).toList())));
            }
            String proc = config.text("proc", null);
            if (proc != null) {
                options.add("-proc:" + proc);
            }
            if (config.bool("debug", true)) {
                String level = config.text("debuglevel", null);
                options.add(level == null ? "-g" : "-g:" + level);
            }
            if (config.bool("showDeprecation", false)) {
                options.add("-deprecation");
            }
            if (!config.bool("showWarnings", true)) {
                options.add("-nowarn");
            }
            if (config.bool("failOnWarning", false)) {
                options.add("-Werror");
            }
            String release = config.text("release", null);
            if (release != null) {
                options.addAll(List.of("--release", release));
            } else {
                options.addAll(List.of("-target", config.text("target", "1.8"), "-source", config.text("source", "1.8")));
            }
            if (config.bool("parameters", false)) {
                options.add("-parameters");
            }
            if (config.bool("enablePreview", false)) {
                options.add("--enable-preview");
            }
            String encodingName = config.text("encoding", null);
            Charset encoding = encodingName == null ? Charset.defaultCharset() : Charset.forName(encodingName);
            if (encodingName != null) {
                options.addAll(List.of("-encoding", encodingName));
            }
            String implicit = config.text("implicit", null);
            if (implicit != null) {
                options.add("-implicit:" + implicit);
            }
            options.add("-XDuseUnsharedTable=true"); // as the plugin does in this JVM: no table kept between compiles
            options.addAll(config.list("compilerArgs"));
            List<String> processorNames = config.list("annotationProcessors");
            List<Path> processorPath = "none".equals(proc) ? null : processorPath(config, session, project, repositories);
            if (processorPath == null && !"none".equals(proc)) {
                // processors from the class path, found by javac itself
                if (!processorNames.isEmpty()) {
                    options.addAll(List.of("-processor", String.join(",", processorNames)));
                }
            }
            return new FastCompile(options, roots, encoding, new Javac(processorPath, processorNames), classes, generatedSources);
        } catch (Exception e) {
            why.append(e.toString());
            return null;
        }
    }

    /** The resolved annotationProcessorPaths, with their dependencies, as the plugin resolves them; null if none. */
    private static List<Path> processorPath(Config config, MavenSession session, MavenProject project,
            RepositorySystem repositories) throws Exception {
        Xpp3Dom paths = config.dom.getChild("annotationProcessorPaths");
        if (paths == null || paths.getChildCount() == 0) {
            return null;
        }
        CollectRequest collect = new CollectRequest();
        for (Xpp3Dom path : paths.getChildren()) {
            String groupId = config.eval(path.getChild("groupId"));
            String artifactId = config.eval(path.getChild("artifactId"));
            String version = config.eval(path.getChild("version"));
            String classifier = config.eval(path.getChild("classifier"));
            String type = config.eval(path.getChild("type"));
            if (groupId == null || artifactId == null || version == null || path.getChild("exclusions") != null) {
                throw new IllegalStateException("an annotation processor path without groupId, artifactId and version, or with exclusions");
            }
            collect.addDependency(new Dependency(new DefaultArtifact(groupId, artifactId, classifier == null ? "" : classifier,
                    type == null || "jar".equals(type) ? "jar" : type, version), "runtime"));
        }
        collect.setRepositories(project.getRemoteProjectRepositories());
        List<Path> files = new ArrayList<>();
        for (ArtifactResult result : repositories.resolveDependencies(session.getRepositorySession(),
                new DependencyRequest(collect, null)).getArtifactResults()) {
            files.add(result.getArtifact().getFile().toPath());
        }
        return files;
    }

    /** Compiles every source; on success, deletes what the last compile wrote and this one did not. */
    Javac.Result compile(Collection<Path> deleted) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> tree = Files.walk(root)) {
                tree.filter(path -> path.toString().endsWith(".java") && Files.isRegularFile(path)).forEach(sources::add);
            }
        }
        if (sources.isEmpty()) {
            return new Javac.Result(true, List.of(), List.of(), Set.of());
        }
        Javac.Result result = javac.compile(options, sources, encoding);
        if (result.ok()) {
            for (Path stale : written) {
                if (!result.written().contains(stale)) {
                    Files.deleteIfExists(stale);
                }
            }
            deleteOutputsOf(deleted);
            written = new HashSet<>(result.written());
        }
        return result;
    }

    /** Compiles into scratch directories: javac and the processors, warm for the next real compile. */
    void warmUp(Path scratch) throws IOException {
        List<String> scratchOptions = new ArrayList<>(options);
        for (int i = 0; i < scratchOptions.size() - 1; i++) {
            if (scratchOptions.get(i).equals("-d")) {
                scratchOptions.set(i + 1, Files.createDirectories(scratch.resolve("classes")).toString());
            } else if (scratchOptions.get(i).equals("-s")) {
                scratchOptions.set(i + 1, Files.createDirectories(scratch.resolve("generated")).toString());
            }
        }
        List<Path> sources = new ArrayList<>();
        for (Path root : sourceRoots) {
            try (Stream<Path> tree = Files.walk(root)) {
                tree.filter(path -> path.toString().endsWith(".java") && Files.isRegularFile(path)).forEach(sources::add);
            }
        }
        if (!sources.isEmpty()) {
            javac.compile(scratchOptions, sources, encoding);
        }
    }

    /** The classes of sources deleted before the first compile of this session (the plugin wrote them). */
    private void deleteOutputsOf(Collection<Path> deleted) throws IOException {
        for (Path source : deleted) {
            if (!source.toString().endsWith(".java") || Files.exists(source)) {
                continue;
            }
            for (Path root : sourceRoots) {
                if (!source.startsWith(root)) {
                    continue;
                }
                Path relative = root.relativize(source);
                String name = relative.getFileName().toString().replaceFirst("\\.java$", "");
                Path dir = relative.getParent() == null ? classes : classes.resolve(relative.getParent().toString());
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path file : (Iterable<Path>) files::iterator) {
                            String fileName = file.getFileName().toString();
                            if (fileName.equals(name + ".class") || fileName.startsWith(name + "$") && fileName.endsWith(".class")) {
                                Files.deleteIfExists(file);
                            }
                        }
                    }
                }
            }
        }
    }

    String describe() {
        return "javac in this JVM" + (javac.processorPath() == null ? "" : ", annotation processors loaded once");
    }

    Path generatedSources() {
        return generatedSources;
    }

    /** The plugin's configuration, evaluated as Maven evaluates it for the mojo: the value, else the default. */
    private static final class Config {
        final PluginParameterExpressionEvaluator evaluator;
        final Xpp3Dom dom;

        Config(PluginParameterExpressionEvaluator evaluator, Xpp3Dom dom) {
            this.evaluator = evaluator;
            this.dom = dom;
        }

        String text(String name, String fallback) throws Exception {
            Object value = value(name);
            return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
        }

        boolean bool(String name, boolean fallback) throws Exception {
            String value = text(name, null);
            return value == null ? fallback : Boolean.parseBoolean(value);
        }

        List<String> list(String name) throws Exception {
            List<String> values = new ArrayList<>();
            Xpp3Dom child = dom.getChild(name);
            if (child != null) {
                for (Xpp3Dom item : child.getChildren()) {
                    String value = eval(item);
                    if (value != null) {
                        values.add(value);
                    }
                }
            }
            return values;
        }

        Object value(String name) throws Exception {
            Xpp3Dom child = dom.getChild(name);
            if (child == null) {
                return null;
            }
            Object value = child.getValue() == null ? null : evaluator.evaluate(child.getValue());
            if (value == null && child.getAttribute("default-value") != null) {
                value = evaluator.evaluate(child.getAttribute("default-value"));
            }
            return value;
        }

        String eval(Xpp3Dom node) throws Exception {
            if (node == null || node.getValue() == null) {
                return null;
            }
            Object value = evaluator.evaluate(node.getValue());
            return value == null ? null : value.toString().trim();
        }
    }
}
