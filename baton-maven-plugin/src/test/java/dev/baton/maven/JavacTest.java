package dev.baton.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavacTest {

    @TempDir
    Path dir;

    /** A processor that writes a class Generated<N>Marker, N counting its instances in its class loader. */
    private Path processorJar() throws Exception {
        Path src = Files.createDirectories(dir.resolve("processor-src/proc"));
        Files.writeString(src.resolve("Counting.java"), """
                package proc;
                import java.util.Set;
                import javax.annotation.processing.*;
                import javax.lang.model.SourceVersion;
                import javax.lang.model.element.TypeElement;
                @SupportedAnnotationTypes("*")
                public class Counting extends AbstractProcessor {
                    static int instances;
                    private final int number = ++instances;
                    private boolean done;
                    @Override public SourceVersion getSupportedSourceVersion() { return SourceVersion.latestSupported(); }
                    @Override public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
                        if (!done) {
                            done = true;
                            try (var out = processingEnv.getFiler().createSourceFile("gen.Marker").openWriter()) {
                                out.write("package gen; public class Marker { public static final int INSTANCE = " + number + "; }");
                            } catch (java.io.IOException e) { throw new RuntimeException(e); }
                        }
                        return false;
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("processor-classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.resolve("Counting.java").toString()));
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/javax.annotation.processing.Processor"), "proc.Counting\n");
        Path jar = dir.resolve("processor.jar");
        new DevJar(dir.resolve("unused"), "none", List.of()).write(classes, jar);
        return jar;
    }

    @Test
    void processorsAreLoadedOnceAndRunAtEachCompile() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("src/app"));
        Path app = Files.writeString(sources.resolve("App.java"), "package app; class App { int marker = gen.Marker.INSTANCE; }");
        Path classes = dir.resolve("classes");
        Path generated = dir.resolve("generated");
        try (Javac javac = new Javac(List.of(processorJar()), List.of())) {
            for (int compile = 1; compile <= 3; compile++) {
                List<String> options = new ArrayList<>(Javac.outputs(classes, generated));
                options.add("-Xlint:none");
                Javac.Result result = javac.compile(options, List.of(app), StandardCharsets.UTF_8);
                assertTrue(result.ok(), result.errors().toString());
                String marker = Files.readString(generated.resolve("gen/Marker.java"));
                // the same class, its static counter going on: one class loader for the three compiles
                assertTrue(marker.contains("INSTANCE = " + compile + ";"), marker);
                assertTrue(result.written().contains(classes.resolve("app/App.class")), result.written().toString());
                assertTrue(result.written().contains(generated.resolve("gen/Marker.java")), result.written().toString());
            }
        }
    }

    @Test
    void errorsAsTheCompilerPluginPrintsThem() throws Exception {
        Path sources = Files.createDirectories(dir.resolve("src/app"));
        Path broken = Files.writeString(sources.resolve("Broken.java"), "package app;\nclass Broken {\n  int x = oops;\n}\n");
        try (Javac javac = new Javac(null, List.of())) {
            Javac.Result result = javac.compile(Javac.outputs(dir.resolve("classes"), null), List.of(broken), StandardCharsets.UTF_8);
            assertFalse(result.ok());
            assertEquals(1, result.errors().size(), result.errors().toString());
            assertTrue(result.errors().get(0).startsWith(broken + ":[3,11] cannot find symbol"), result.errors().get(0));
            assertFalse(Files.exists(dir.resolve("classes/app/Broken.class")));
        }
    }
}
