package dev.baton.runtime;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
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
import java.util.regex.Pattern;

/**
 * The jar an upgrade starts and the command that starts it: the same java, JVM options, program arguments and
 * working directory as this process, with {@code -jar <deploy path>}. No shell is involved, ever.
 *
 * <p>When a class-data archive of the deploy jar lies beside it, the child gets it too ({@link ClassArchive}).
 * Everything an upgrade needs is loaded before any signal (Preload), so that an upgrade never loads classes from a
 * jar that may have been overwritten under this JVM.
 */
final class Deploy {

    /** The variable by which HotSpot takes another signal than SIGUSR2 to suspend and resume threads. */
    static final String SUSPEND_RESUME_SIGNAL = "_JAVA_SR_SIGNUM";

    /** JVM options that make the JVM itself listen on a fixed port, which a second generation cannot bind again. */
    private static final Pattern BINDS_PORT = Pattern.compile("-agentlib:jdwp=(?=.*server=y)(?=.*address=)(?!.*address=([^,]*:)?0(,|$)).*"
            + "|-Dcom\\.sun\\.management\\.jmxremote(\\.rmi)?\\.port=.*|-javaagent:[^=]+=([^:]*:)?\\d{2,5}(:.*)?");

    private final Path jar;
    private final Path workingDirectory;
    private final List<String> jvmOptions;
    private final List<String> programArguments;

    private Deploy(Path jar, Path workingDirectory, List<String> jvmOptions, List<String> programArguments) {
        this.jar = jar;
        this.workingDirectory = workingDirectory;
        this.jvmOptions = jvmOptions;
        this.programArguments = programArguments;
    }

    /**
     * Reads how this process was started. {@code configuredJar} (baton.jar) wins over the jar given to
     * {@code java -jar}, which is kept as written so that a {@code current.jar} symlink is followed anew each time.
     */
    static Deploy ofThisProcess(Path configuredJar, Path workingDirectory) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = Arrays.asList(new String(raw, 0, Math.max(0, raw.length - 1), StandardCharsets.UTF_8).split("\0", -1));
        return of(argv, configuredJar, workingDirectory);
    }

    static Deploy of(List<String> argv, Path configuredJar, Path workingDirectory) {
        int jarFlag = argv.indexOf("-jar");
        if (jarFlag < 1 || jarFlag + 1 >= argv.size()) {
            throw new IllegalStateException("this process was not started with 'java -jar', so it cannot start its"
                    + " successor the same way");
        }
        Path jar = configuredJar != null ? configuredJar : Path.of(argv.get(jarFlag + 1));
        return new Deploy(jar, workingDirectory, List.copyOf(argv.subList(1, jarFlag)),
                List.copyOf(argv.subList(jarFlag + 2, argv.size())));
    }

    Path jar() {
        return jar;
    }

    /** {@code path} as the child will see it: relative paths start from the working directory it starts in. */
    private Path inWorkingDirectory(Path path) {
        return workingDirectory.resolve(path);
    }

    /** The JVM options of this process that bind a fixed port: a child started with them fails to bind it. */
    List<String> portBindingOptions() {
        return jvmOptions.stream().filter(option -> BINDS_PORT.matcher(option).matches()).toList();
    }

    /** Why the deploy path cannot start a new generation, or null when it looks startable. */
    String problem() {
        Path jar = inWorkingDirectory(this.jar);
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
        Path jar = inWorkingDirectory(this.jar);
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

    /**
     * A process builder for the child, in this generation's working directory as the user named it; its stdout
     * is this process's, its stderr too unless {@code stderrPiped} (see {@link ChildStderr}). Its fd 0 is the
     * listener ({@link Listener#startWithListenerAtFdZero}).
     */
    ProcessBuilder childProcess(Map<String, String> handoffEnvironment, boolean stderrPiped, Events events) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(ClassArchive.childOptions(jar, workingDirectory, jvmOptions, events));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(programArguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO().directory(workingDirectory.toFile());
        if (stderrPiped) {
            builder.redirectError(Redirect.PIPE);
        }
        Map<String, String> env = builder.environment();
        env.put("PWD", workingDirectory.toString());
        // systemd's variables describe this process, not the child: the child inherits through fd 0 instead.
        env.keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"));
        env.putAll(handoffEnvironment);
        // HotSpot suspends threads with SIGUSR2 (JFR's sampler, for one), which would reach Baton's upgrade
        // handler as a stream of upgrades; moving the JVM's own use to another signal keeps SIGUSR2 ours.
        env.putIfAbsent(SUSPEND_RESUME_SIGNAL, "40");
        return builder;
    }
}
