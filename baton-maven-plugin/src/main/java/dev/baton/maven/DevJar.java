package dev.baton.maven;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * The dev loop's jar: the project's classes and resources, and a manifest whose {@code Class-Path} names the
 * dependencies, copied once per session beside it into {@code lib/}. Written in milliseconds, where a fat jar
 * takes seconds to shade; started with {@code java -jar} like the production jar. The copies are the dev loop's
 * own, so that an {@code install} of a dependency meanwhile never rewrites a jar a generation runs from.
 */
final class DevJar {

    private final Path dir;
    private final String mainClass;
    /** Each dependency and its name in lib/. */
    private final Map<Path, String> dependencies = new LinkedHashMap<>();

    /** {@code dir} is where the deploy path and lib/ are (target/baton-dev). */
    DevJar(Path dir, String mainClass, List<Path> dependencyFiles) {
        this.dir = dir;
        this.mainClass = mainClass;
        for (Path file : dependencyFiles) {
            String name = file.getFileName().toString();
            if (dependencies.containsValue(name)) {
                name = dependencies.size() + "-" + name;
            }
            dependencies.put(file, name);
        }
    }

    /** Copies the dependencies into lib/ where they are missing or differ (renamed into place: never rewritten). */
    void copyDependencies() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (Map.Entry<Path, String> dependency : dependencies.entrySet()) {
            Path source = dependency.getKey();
            Path copy = lib.resolve(dependency.getValue());
            if (Files.isRegularFile(copy) && Files.size(copy) == Files.size(source)
                    && Files.getLastModifiedTime(copy).equals(Files.getLastModifiedTime(source))) {
                continue;
            }
            Path part = lib.resolve("." + dependency.getValue() + ".part");
            Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes the jar of {@code classes} to {@code jar}; the dependencies must have been copied. */
    void write(Path classes, Path jar) throws IOException {
        copyDependencies(); // cheap when they are there; back after a clean
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, mainClass);
        main.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath()));
        main.putValue("Enable-Native-Access", "ALL-UNNAMED");
        main.putValue("Add-Opens", "java.base/sun.nio.ch"); // the admin and HTTPS listeners' hand-over (ChannelFds)
        main.putValue("Created-By", "baton-maven-plugin (baton:dev)");
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            try (Stream<Path> tree = Files.walk(classes)) {
                // regular files, and the directories above them (not the empty ones a deleted package leaves)
                tree.filter(path -> !path.equals(classes) && Files.isRegularFile(path)).sorted().forEach(files::add);
            }
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.setLevel(Deflater.BEST_SPEED);
            java.util.Set<String> directories = new java.util.HashSet<>(java.util.Set.of("META-INF/"));
            for (Path path : files) {
                String name = classes.relativize(path).toString().replace('\\', '/');
                if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    continue;
                }
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    String directory = name.substring(0, slash + 1);
                    if (directories.add(directory)) {
                        zip.putNextEntry(new JarEntry(directory));
                        zip.closeEntry();
                    }
                }
                JarEntry entry = new JarEntry(name);
                FileTime time = Files.getLastModifiedTime(path);
                entry.setLastModifiedTime(time);
                zip.putNextEntry(entry);
                Files.copy(path, zip);
                zip.closeEntry();
            }
        }
    }

    /** The manifest's Class-Path: lib/ names, relative to the jar. */
    List<String> classPath() {
        return dependencies.values().stream().map(name -> "lib/" + name).toList();
    }
}
