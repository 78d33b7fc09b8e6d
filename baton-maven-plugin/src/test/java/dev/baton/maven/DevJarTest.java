package dev.baton.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevJarTest {

    @TempDir
    Path dir;

    @Test
    void aJarThatRunsWithItsDependenciesCopiedBesideIt() throws Exception {
        // A dependency: a jar with a class the app calls
        Path depSrc = Files.createDirectories(dir.resolve("dep-src/lib"));
        Files.writeString(depSrc.resolve("Greeter.java"), "package lib; public class Greeter { public static String hi() { return \"hi from lib\"; } }");
        Path depClasses = Files.createDirectories(dir.resolve("dep-classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", depClasses.toString(),
                depSrc.resolve("Greeter.java").toString()));
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path dependency = repo.resolve("greeter-1.0.jar");
        new DevJar(dir.resolve("unused"), "none", List.of()).write(depClasses, dependency);

        // The app: classes and a resource
        Path appSrc = Files.createDirectories(dir.resolve("app-src/app"));
        Files.writeString(appSrc.resolve("Main.java"), "package app; public class Main { public static void main(String[] a) throws Exception {"
                + " System.out.println(lib.Greeter.hi() + \", \" + new String(Main.class.getResourceAsStream(\"/app.txt\").readAllBytes()).trim()); } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                dependency.toString(), appSrc.resolve("Main.java").toString()));
        Files.writeString(classes.resolve("app.txt"), "and a resource");
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/x.Y"), "app.Main");

        Path devDir = dir.resolve("target/baton-dev");
        DevJar jar = new DevJar(devDir, "app.Main", List.of(dependency));
        Path current = Files.createDirectories(devDir).resolve("current.jar");
        jar.write(classes, current);

        assertTrue(Files.isRegularFile(devDir.resolve("lib/greeter-1.0.jar")));
        try (JarFile written = new JarFile(current.toFile())) {
            Attributes main = written.getManifest().getMainAttributes();
            assertEquals("app.Main", main.getValue("Main-Class"));
            assertEquals("lib/greeter-1.0.jar", main.getValue("Class-Path"));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
            List<String> names = new ArrayList<>(Collections.list(written.entries()).stream().map(e -> e.getName()).toList());
            assertTrue(names.containsAll(List.of("app/Main.class", "app.txt", "META-INF/services/x.Y")), names.toString());
        }
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                current.toString()).redirectErrorStream(true).start();
        String said = new String(run.getInputStream().readAllBytes()).trim();
        assertEquals(0, run.waitFor(), said);
        assertEquals("hi from lib, and a resource", said);
    }

    @Test
    void sameNamedDependenciesDoNotCollide() {
        DevJar jar = new DevJar(dir, "app.Main", List.of(Path.of("/a/x-1.jar"), Path.of("/b/x-1.jar")));
        assertEquals(List.of("lib/x-1.jar", "lib/1-x-1.jar"), jar.classPath());
    }

    @Test
    void oneLinePerReload() {
        assertEquals("1 file changed: A.java", DevLoop.changed(java.util.Set.of(Path.of("/s/A.java"))));
        assertEquals("4 files changed", DevLoop.changed(new java.util.TreeSet<>(List.of(Path.of("/a"), Path.of("/b"), Path.of("/c"), Path.of("/d")))));
        assertEquals("1.4 s", DevLoop.seconds(1_449_000_000L));
    }
}
