package dev.baton.maven;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches source trees (every directory in them, and those created later) and the project's pom.xml, and hands
 * changes out in bursts: a burst ends once nothing has changed for a quiet period, so that an editor's save of
 * several files, or a save written as a temporary file then renamed, is one change.
 */
final class SourceWatcher implements Closeable {

    /** The files of one burst; {@code pom} when the project's pom.xml changed; {@code firstSeen} from System.nanoTime. */
    record Burst(Set<Path> files, boolean pom, long firstSeen) {}

    private static final WatchEvent.Modifier[] SENSITIVE = sensitive();

    private final WatchService service;
    private final Map<WatchKey, Path> directories = new HashMap<>();
    private final Set<Path> roots;
    private final Path pom;

    /** Watches every directory under each existing root; {@code pom} (may be null) is watched in its directory. */
    SourceWatcher(Collection<Path> roots, Path pom) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.roots = new TreeSet<>();
        this.pom = pom == null ? null : pom.toAbsolutePath().normalize();
        for (Path root : roots) {
            Path absolute = root.toAbsolutePath().normalize();
            if (Files.isDirectory(absolute)) {
                this.roots.add(absolute);
                registerTree(absolute, null);
            }
        }
        if (this.pom != null && this.roots.stream().noneMatch(root -> this.pom.getParent().equals(root))) {
            register(this.pom.getParent());
        }
    }

    Set<Path> roots() {
        return Set.copyOf(roots);
    }

    /**
     * The next burst: waits up to {@code waitMillis} for a first change (null if none came), then until
     * {@code quietMillis} pass without another.
     */
    Burst next(long waitMillis, long quietMillis) throws InterruptedException {
        Set<Path> files = new TreeSet<>();
        Set<Path> created = new java.util.HashSet<>();
        boolean[] pomChanged = {false};
        WatchKey key = service.poll(waitMillis, TimeUnit.MILLISECONDS);
        long firstSeen = System.nanoTime();
        if (key == null) {
            return null;
        }
        while (key != null) {
            take(key, files, created, pomChanged);
            key = service.poll(quietMillis, TimeUnit.MILLISECONDS);
        }
        if (files.isEmpty() && !pomChanged[0]) {
            return new Burst(Set.of(), false, firstSeen);
        }
        return new Burst(files, pomChanged[0], firstSeen);
    }

    private void take(WatchKey key, Set<Path> files, Set<Path> created, boolean[] pomChanged) {
        Path dir = directories.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                // Events were lost: the whole tree may have changed; the build finds out what.
                files.addAll(roots);
                continue;
            }
            if (dir == null) {
                continue;
            }
            Path path = dir.resolve((Path) event.context());
            if (path.equals(pom)) {
                pomChanged[0] = true;
                continue;
            }
            if (!underRoot(path) || ignored(path.getFileName().toString())) {
                continue;
            }
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                // A new directory: watched from now on, and what is in it already changed too
                files.addAll(registerTree(path, files));
                continue;
            }
            if (event.kind() == ENTRY_DELETE && created.remove(path)) {
                files.remove(path); // there and gone within the burst: an editor's temporary file
                continue;
            }
            if (event.kind() == ENTRY_CREATE) {
                created.add(path);
            }
            if (event.kind() == ENTRY_DELETE || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                files.add(path);
            }
        }
        if (!key.reset()) {
            directories.remove(key); // its directory is gone
        }
    }

    private boolean underRoot(Path path) {
        return roots.stream().anyMatch(path::startsWith);
    }

    /**
     * Editors' temporary, backup and lock files (vim's .swp and 4913, emacs' .# and ~, JetBrains' ___jb_, sed -i's
     * sedXXXXXX) and hidden files: none of them is source.
     */
    static boolean ignored(String name) {
        return name.startsWith(".") || name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swx")
                || name.endsWith(".tmp") || name.equals("4913") || name.contains("___jb_") || SED_TEMP.matcher(name).matches();
    }

    private static final java.util.regex.Pattern SED_TEMP = java.util.regex.Pattern.compile("sed[A-Za-z0-9]{6}");

    /** Registers {@code top} and every directory under it; returns the regular files found there. */
    private Set<Path> registerTree(Path top, Set<Path> seen) {
        Set<Path> found = new TreeSet<>();
        try (Stream<Path> tree = Files.walk(top)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    if (!ignored(path.getFileName().toString()) || path.equals(top)) {
                        register(path);
                    }
                } else if (seen != null && !ignored(path.getFileName().toString())) {
                    found.add(path);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // gone again meanwhile: its parent's events tell
        }
        return found;
    }

    private void register(Path dir) {
        WatchEvent.Kind<?>[] kinds = {ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE};
        try {
            WatchKey key;
            try {
                key = dir.register(service, kinds, SENSITIVE);
            } catch (UnsupportedOperationException e) {
                key = dir.register(service, kinds);
            }
            directories.put(key, dir);
        } catch (IOException e) {
            // gone again meanwhile
        }
    }

    /** On JDKs that poll (macOS), polling every 2 s instead of 10 s; nothing elsewhere. */
    private static WatchEvent.Modifier[] sensitive() {
        try {
            Class<?> type = Class.forName("com.sun.nio.file.SensitivityWatchEventModifier");
            return new WatchEvent.Modifier[] {(WatchEvent.Modifier) type.getField("HIGH").get(null)};
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new WatchEvent.Modifier[0];
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }

    static List<String> names(Set<Path> files) {
        return files.stream().map(path -> path.getFileName().toString()).distinct().toList();
    }
}
