package dev.baton.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac in this JVM, with the annotation processors loaded once: javac itself makes a new class loader for the
 * processor path at every compile, so that a processor as large as Dagger's runs cold, class loading and all, at
 * every save (0.6 of 0.8 s for the archetype's four files on 2 cores). Loaded once, its code is compiled by the JIT
 * after a few builds like javac's own, and a compile of those files takes 0.1 to 0.2 s. The options are the ones
 * the compiler plugin would pass (see {@link FastCompile}); what is compiled is every source, as the plugin does
 * when anything changed.
 */
final class Javac implements AutoCloseable {

    /** What a compile came to: errors and warnings as the compiler plugin prints them, and the files it wrote. */
    record Result(boolean ok, List<String> errors, List<String> warnings, Set<Path> written) {}

    private final JavaCompiler javac;
    private final List<Path> processorPath;
    private final List<String> processorNames;
    private final URLClassLoader processors;

    /**
     * {@code processorPath} null: processors are looked up on the class path, by javac (not cached);
     * {@code processorNames} empty: every processor the path declares ({@code META-INF/services}).
     */
    Javac(List<Path> processorPath, List<String> processorNames) {
        this.javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no javac in this JVM (a JRE?)");
        }
        this.processorPath = processorPath == null ? null : List.copyOf(processorPath);
        this.processorNames = List.copyOf(processorNames);
        if (processorPath == null) {
            this.processors = null;
        } else {
            URL[] urls = processorPath.stream().map(path -> {
                try {
                    return path.toUri().toURL();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toArray(URL[]::new);
            // javac's own choice of parent: the loader that has javac, which some processors reach into
            this.processors = new URLClassLoader("baton-dev-annotation-processors", urls, javac.getClass().getClassLoader());
        }
    }

    List<Path> processorPath() {
        return processorPath;
    }

    /** Compiles {@code sources} with {@code options} (which name the output directories). */
    Result compile(List<String> options, List<Path> sources, Charset encoding) throws IOException {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Set<Path> written = new TreeSet<>();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, encoding);
                JavaFileManager files = recording(standard, written)) {
            JavaCompiler.CompilationTask task = javac.getTask(Writer.nullWriter(), files, diagnostics, options, null,
                    standard.getJavaFileObjectsFromPaths(sources));
            if (processors != null) {
                task.setProcessors(instances());
            }
            boolean ok = task.call();
            List<String> errors = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
                String line = format(diagnostic);
                if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                    errors.add(line);
                } else if (diagnostic.getKind() == Diagnostic.Kind.WARNING || diagnostic.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
                    warnings.add(line);
                }
            }
            return new Result(ok && errors.isEmpty(), errors, warnings, written);
        } catch (RuntimeException e) {
            // A processor that threw: javac wraps it (ClientCodeException, RuntimeException)
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Result(false, List.of("an annotation processor failed: " + cause), List.of(), written);
        }
    }

    /** New processor instances from the loaded classes: a processor keeps state for one compile. */
    private List<Processor> instances() {
        List<Processor> instances = new ArrayList<>();
        if (processorNames.isEmpty()) {
            ServiceLoader.load(Processor.class, processors).forEach(instances::add);
            return instances;
        }
        for (String name : processorNames) {
            try {
                instances.add((Processor) processors.loadClass(name).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("annotation processor " + name + ": " + e, e);
            }
        }
        return instances;
    }

    /** As the compiler plugin prints a message: {@code /path/File.java:[line,column] message}. */
    static String format(Diagnostic<? extends JavaFileObject> diagnostic) {
        String message = diagnostic.getMessage(Locale.ROOT);
        if (diagnostic.getSource() == null) {
            return message;
        }
        String file = diagnostic.getSource().toUri().getScheme() != null && "file".equals(diagnostic.getSource().toUri().getScheme())
                ? Path.of(diagnostic.getSource().toUri()).toString() : diagnostic.getSource().getName();
        return file + ":[" + diagnostic.getLineNumber() + "," + diagnostic.getColumnNumber() + "] " + message;
    }

    private static JavaFileManager recording(StandardJavaFileManager standard, Set<Path> written) {
        return new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) throws IOException {
                return record(super.getJavaFileForOutput(location, className, kind, sibling));
            }

            @Override
            public FileObject getFileForOutput(Location location, String packageName, String relativeName,
                    FileObject sibling) throws IOException {
                return record(super.getFileForOutput(location, packageName, relativeName, sibling));
            }

            private <F extends FileObject> F record(F file) {
                if ("file".equals(file.toUri().getScheme())) {
                    written.add(Path.of(file.toUri()));
                }
                return file;
            }
        };
    }

    /** The output locations of a compile, for the options. */
    static List<String> outputs(Path classes, Path generatedSources) throws IOException {
        Files.createDirectories(classes);
        List<String> options = new ArrayList<>(List.of("-d", classes.toString()));
        if (generatedSources != null) {
            Files.createDirectories(generatedSources);
            options.addAll(List.of("-s", generatedSources.toString()));
        }
        return options;
    }


    @Override
    public void close() throws IOException {
        if (processors != null) {
            processors.close();
        }
    }
}
