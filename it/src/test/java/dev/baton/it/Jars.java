package dev.baton.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Real release jars made from the test app: the same classes under another manifest. */
final class Jars {

    private Jars() {}

    /** Writes {@code source}'s classes to {@code target} with {@code mainClass} as Main-Class (null: none). */
    static void withMainClass(Path source, Path target, String mainClass) throws IOException {
        withMainClass(source, target, mainClass, "");
    }

    /** The same, with a {@code release.txt} saying {@code note} ahead of the classes, which moves every one of them. */
    static void withMainClass(Path source, Path target, String mainClass, String note) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (JarFile in = new JarFile(source.toFile()); OutputStream file = Files.newOutputStream(temp)) {
            Manifest manifest = new Manifest(in.getManifest());
            if (mainClass == null) {
                manifest.getMainAttributes().remove(Attributes.Name.MAIN_CLASS);
            } else {
                manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
            }
            try (JarOutputStream out = new JarOutputStream(file, manifest)) {
                if (!note.isEmpty()) {
                    out.putNextEntry(new JarEntry("release.txt"));
                    out.write(note.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.closeEntry();
                }
                for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        // a deploy replaces the file in one step, as a deploy script's mv does
        Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
