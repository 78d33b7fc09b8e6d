package dev.baton.maven;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles the project's sources a few times into a scratch directory, in the background, once the app serves:
 * the compiler plugin runs javac in this JVM, and javac's own code, compiled by the JIT by then, makes the first
 * reloads as fast as the later ones (a cold javac takes seconds over a few files; a warm one a tenth of that).
 * Without annotation processing, which runs in a class loader of its own at each compile anyway. Stops as soon
 * as a real build begins.
 */
final class CompilerWarmUp {

    private CompilerWarmUp() {}

    static Thread start(Collection<Path> sourceRoots, List<String> classpath, int rounds, BooleanSupplier stop) {
        Thread thread = new Thread(() -> {
            try {
                run(sourceRoots, classpath, rounds, stop);
            } catch (IOException | RuntimeException e) {
                // only a warm-up: the real builds report what is wrong
            }
        }, "baton-dev-javac-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    /** Compiles with {@code fast} into a scratch directory: javac and the annotation processors, both warm. */
    static Thread start(FastCompile fast, int rounds, BooleanSupplier stop) {
        Thread thread = new Thread(() -> {
            Path scratch = null;
            try {
                scratch = Files.createTempDirectory("baton-dev-javac-");
                for (int round = 0; round < rounds && !stop.getAsBoolean(); round++) {
                    fast.warmUp(scratch);
                }
            } catch (IOException | RuntimeException e) {
                // only a warm-up: the real builds report what is wrong
            } finally {
                if (scratch != null) {
                    try {
                        delete(scratch);
                    } catch (IOException e) {
                        // a temporary directory left behind
                    }
                }
            }
        }, "baton-dev-javac-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return thread;
    }

    static int run(Collection<Path> sourceRoots, List<String> classpath, int rounds, BooleanSupplier stop) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            return 0;
        }
        List<Path> sources = new ArrayList<>();
        for (Path root : sourceRoots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> tree = Files.walk(root)) {
                    tree.filter(path -> path.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        if (sources.isEmpty()) {
            return 0;
        }
        Path scratch = Files.createTempDirectory("baton-dev-javac-");
        int done = 0;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostic -> { }, null, StandardCharsets.UTF_8)) {
            for (int round = 0; round < rounds && !stop.getAsBoolean(); round++) {
                Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
                List<String> options = List.of("-proc:none", "-implicit:none", "-nowarn", "-g", "-encoding", "UTF-8",
                        "-d", scratch.toString(), "-cp", String.join(java.io.File.pathSeparator, classpath));
                javac.getTask(Writer.nullWriter(), files, diagnostic -> { }, options, null, units).call();
                done++;
            }
        } finally {
            delete(scratch);
        }
        return done;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
