package dev.baton.site;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The generated site under test: target/site, as the build's surefire configuration names it. */
final class Site {

    /** Every page the site must have, in the order of its navigation. */
    static final List<String> PAGES = List.of("index", "getting-started", "javalin", "routing", "dagger", "testing", "zero-downtime",
            "dev-mode", "deploying", "fleet", "operations", "benchmarks", "faq");

    private Site() {}

    static Path dir() {
        Path dir = Path.of(System.getProperty("site.dir", "target/site")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("index.html"))) {
            throw new IllegalStateException("no generated site at " + dir + ": build it with the asciidoctor plugin first"
                    + " (mvn verify runs it before the tests)");
        }
        return dir;
    }

    /** Every HTML file of the site, relative to {@link #dir()}, sorted. */
    static List<Path> htmlFiles() {
        Path dir = dir();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> file.toString().endsWith(".html")).map(dir::relativize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root (the parent of this module). */
    static Path repo() {
        return Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    }
}
