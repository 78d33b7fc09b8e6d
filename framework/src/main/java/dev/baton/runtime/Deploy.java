package dev.baton.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The jar an upgrade starts and the command that starts it: the same java, JVM options, program arguments and
 * working directory as this process, with {@code -jar <deploy path>}. No shell is involved, ever.
 */
final class Deploy {

    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> programArguments;

    private Deploy(Path jar, List<String> jvmOptions, List<String> programArguments) {
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.programArguments = programArguments;
    }

    /**
     * Reads how this process was started. {@code configuredJar} (baton.jar) wins over the jar given to
     * {@code java -jar}, which is kept as written so that a {@code current.jar} symlink is followed anew each time.
     */
    static Deploy ofThisProcess(Path configuredJar) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = Arrays.asList(new String(raw, 0, Math.max(0, raw.length - 1), StandardCharsets.UTF_8).split("\0", -1));
        return of(argv, configuredJar);
    }

    static Deploy of(List<String> argv, Path configuredJar) {
        int jarFlag = argv.indexOf("-jar");
        if (jarFlag < 1 || jarFlag + 1 >= argv.size()) {
            throw new IllegalStateException("this process was not started with 'java -jar', so it cannot start its"
                    + " successor the same way");
        }
        Path jar = configuredJar != null ? configuredJar : Path.of(argv.get(jarFlag + 1));
        return new Deploy(jar, List.copyOf(argv.subList(1, jarFlag)), List.copyOf(argv.subList(jarFlag + 2, argv.size())));
    }

    Path jar() {
        return jar;
    }

    /** Why the deploy path cannot start a new generation, or null when it looks startable. */
    String problem() {
        if (!Files.exists(jar)) {
            return "no such file";
        }
        if (!Files.isRegularFile(jar)) {
            return "not a regular file";
        }
        if (!Files.isReadable(jar)) {
            return "not readable";
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return "no META-INF/MANIFEST.MF";
            }
            String main = manifest.getMainAttributes().getValue("Main-Class");
            return main == null || main.isBlank() ? "its manifest has no Main-Class" : null;
        } catch (IOException e) {
            return "not a jar (" + e.getMessage() + ")";
        }
    }

    /**
     * Whether the deploy path is the very file this JVM runs from, rewritten since the JVM started. A JVM reads
     * classes from its jar lazily, so such a rewrite (cp over it) breaks the running generation, while a rename
     * over the deploy path (mv) leaves the running one its own file.
     */
    boolean overwrittenInPlace() {
        Path running = Path.of(System.getProperty("java.class.path")).toAbsolutePath();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                if (running.equals(readLink(fd))) {
                    // stat through the fd: the file this JVM has open, even when the path now names another
                    BasicFileAttributes open = Files.readAttributes(fd, BasicFileAttributes.class);
                    Object deployed = Files.readAttributes(jar, BasicFileAttributes.class).fileKey();
                    return open.fileKey().equals(deployed)
                            && open.lastModifiedTime().toMillis() > ManagementFactory.getRuntimeMXBean().getStartTime();
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static Path readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd);
        } catch (IOException closedMeanwhile) {
            return null;
        }
    }

    /** A process builder for the child; its fd 0, stdout and stderr are this process's. */
    ProcessBuilder childProcess(Map<String, String> handoffEnvironment) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(programArguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        // systemd's variables describe this process, not the child: the child inherits through fd 0 instead.
        env.keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"));
        env.putAll(handoffEnvironment);
        return builder;
    }
}
