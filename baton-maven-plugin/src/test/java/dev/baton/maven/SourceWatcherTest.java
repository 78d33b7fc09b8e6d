package dev.baton.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceWatcherTest {

    @TempDir
    Path dir;

    @Test
    void aBurstOfSavesIsOneChange() throws Exception {
        Path java = Files.createDirectories(dir.resolve("src/main/java/com/example"));
        Path a = Files.writeString(java.resolve("A.java"), "class A {}");
        Path b = Files.writeString(java.resolve("B.java"), "class B {}");
        try (SourceWatcher watcher = new SourceWatcher(List.of(dir.resolve("src/main/java")), dir.resolve("pom.xml"))) {
            assertNull(watcher.next(100, 50), "nothing changed");
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        Files.writeString(a, "class A { int x" + i + "; }");
                        Files.writeString(b, "class B { int y" + i + "; }");
                        Thread.sleep(30);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            SourceWatcher.Burst burst = watcher.next(5_000, 300);
            writer.join();
            assertEquals(Set.of(a, b), burst.files());
            assertFalse(burst.pom());
            assertNull(watcher.next(100, 50), "the burst took every event");
        }
    }

    @Test
    void newDirectoriesAreWatchedAndWhatIsInThemCounts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("src/main/java"));
        try (SourceWatcher watcher = new SourceWatcher(List.of(root), null)) {
            Path deep = Files.createDirectories(root.resolve("com/example/deep"));
            Path first = Files.writeString(deep.resolve("First.java"), "class First {}");
            SourceWatcher.Burst created = watcher.next(5_000, 300);
            assertTrue(created.files().contains(first), created.toString());
            Path later = Files.writeString(deep.resolve("Later.java"), "class Later {}");
            assertEquals(Set.of(later), watcher.next(5_000, 200).files(), "the new directory is watched");
            Files.delete(later);
            assertEquals(Set.of(later), watcher.next(5_000, 200).files(), "a deletion is a change");
        }
    }

    @Test
    void editorsTemporaryFilesAreNoChangeButTheirRenameIs() throws Exception {
        Path root = Files.createDirectories(dir.resolve("src/main/java"));
        Path source = Files.writeString(root.resolve("App.java"), "class App {}");
        try (SourceWatcher watcher = new SourceWatcher(List.of(root), null)) {
            Files.writeString(root.resolve(".App.java.swp"), "x");
            Files.writeString(root.resolve("App.java~"), "x");
            Files.writeString(root.resolve("4913"), "x");
            SourceWatcher.Burst ignored = watcher.next(1_000, 200);
            assertTrue(ignored == null || ignored.files().isEmpty(), String.valueOf(ignored));
            // written beside it, then renamed over it (what many editors and sed -i do)
            Path temp = Files.writeString(root.resolve("App.java.new"), "class App { int x; }");
            Files.move(temp, source, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(Set.of(source), watcher.next(5_000, 200).files());
        }
        assertTrue(SourceWatcher.ignored("sedAb12Cd"));
        assertTrue(SourceWatcher.ignored("App.java___jb_tmp___"));
        assertFalse(SourceWatcher.ignored("App.java"));
        assertFalse(SourceWatcher.ignored("sed.properties"));
    }

    @Test
    void thePomIsWatchedApart() throws Exception {
        Path root = Files.createDirectories(dir.resolve("src/main/java"));
        Path pom = Files.writeString(dir.resolve("pom.xml"), "<project/>");
        try (SourceWatcher watcher = new SourceWatcher(List.of(root), pom)) {
            Files.writeString(dir.resolve("README.md"), "not watched");
            Files.writeString(pom, "<project><!-- changed --></project>");
            SourceWatcher.Burst burst = watcher.next(5_000, 200);
            assertTrue(burst.pom());
            assertTrue(burst.files().isEmpty(), burst.toString());
        }
    }
}
