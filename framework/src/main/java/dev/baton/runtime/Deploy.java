package dev.baton.runtime;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * The jar an upgrade starts and the command that starts it: the same java, JVM options, program arguments and
 * working directory as this process, with {@code -jar <deploy path>}. No shell is involved, ever.
 *
 * <p><b>AppCDS.</b> When an archive made from the deploy jar lies beside it, at {@code <deploy path>.jsa}, the child
 * also gets {@code -XX:SharedArchiveFile=<deploy path>.jsa}: it maps the classes it needs from the archive instead
 * of reading them from the jar, and starts faster, which shortens the hand-off. Create the archive from the deployed
 * jar, after it is in place, with a training run that exits normally, written beside it and renamed into place
 * ({@code bench/appcds <deploy path>} does exactly that). The archive is passed only when the JVM itself accepts it
 * for this jar (see {@link #archiveProblem}); anything else (made from an earlier jar, by another JDK, with other heap
 * settings, damaged or truncated, which would crash the child's JVM) is logged and the child starts without it, as
 * it would with no archive. An app whose JVM options already manage CDS ({@code -Xshare:*},
 * {@code -XX:SharedArchiveFile} naming another file, {@code -XX:ArchiveClassesAtExit}, ...) gets its command
 * unchanged. Everything here lives in this one class, which the warm-up loads before any signal (Lifecycle), so that
 * an upgrade never loads classes from a jar that may have been overwritten under this JVM.
 */
final class Deploy {

    /** What is appended to the deploy path to name its AppCDS archive. */
    static final String ARCHIVE_SUFFIX = ".jsa";
    private static final String SHARED_ARCHIVE_FILE = "-XX:SharedArchiveFile=";
    /** JVM options by which an app runs CDS its own way: then the child's command is left as it is. */
    private static final List<String> OWN_CDS_OPTIONS = List.of("-Xshare:", SHARED_ARCHIVE_FILE, "-XX:ArchiveClassesAtExit=",
            "-XX:SharedClassListFile=", "-XX:DumpLoadedClassList=", "-XX:+AutoCreateSharedArchive", "-XX:+UseSharedSpaces",
            "-XX:-UseSharedSpaces", "-XX:+RecordDynamicDumpInfo");
    /** JVM options that decide whether an archive fits (compressed oops and class pointers, heap size, GC). */
    private static final Pattern ARCHIVE_FIT = Pattern.compile(
            "-Xmx.*|-XX:(MaxHeapSize|MaxRAM\\w*|ObjectAlignmentInBytes|CompressedClassSpaceSize)=.*"
                    + "|-XX:[+-](UseCompressed\\w+|Use\\w+GC|Unlock\\w+VMOptions)");
    private static final long ARCHIVE_CHECK_SECONDS = 10;
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
     * The working directory as the user named it: {@code PWD} when it names the directory the JVM runs in (a
     * {@code /srv/app/current} symlink), else the JVM's own, symlinks resolved. Read at start-up, while the two
     * still agree; each child starts there anew, so a symlink switched to the next release is followed.
     */
    static Path logicalWorkingDirectory(Map<String, String> env) {
        Path physical = Path.of(System.getProperty("user.dir"));
        String pwd = env.get("PWD");
        try {
            if (pwd != null && Path.of(pwd).isAbsolute() && Files.isSameFile(Path.of(pwd), physical)) {
                return Path.of(pwd);
            }
        } catch (IOException | InvalidPathException e) {
            // PWD names nothing usable: the JVM's own directory it is
        }
        return physical;
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
        command.addAll(childJvmOptions(java, events));
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

    /** {@code <deploy path>.jsa}: where an AppCDS archive for the deploy jar is looked for. */
    Path archive() {
        return jar.resolveSibling(jar.getFileName() + ARCHIVE_SUFFIX);
    }

    /**
     * This process's JVM options for the child, with {@code -XX:SharedArchiveFile=<deploy path>.jsa} when that archive
     * is usable with the deploy jar, and without it otherwise, also when this process got it (from its own parent,
     * or from whoever started generation 1 with it): each upgrade decides anew, for the jar it starts.
     */
    List<String> childJvmOptions(String java, Events events) {
        Path archive = archive();
        List<String> options = new ArrayList<>(jvmOptions.size() + 1);
        for (String option : jvmOptions) {
            if (!namesArchive(option, archive)) {
                options.add(option);
            }
        }
        for (String option : options) {
            for (String own : OWN_CDS_OPTIONS) {
                if (option.startsWith(own)) {
                    return jvmOptions; // the app runs CDS its own way
                }
            }
        }
        if (!Files.exists(inWorkingDirectory(archive))) {
            return options;
        }
        String problem = archiveProblem(java, archive, options);
        if (problem != null) {
            events.warn("AppCDS archive {} not used: {}", archive, problem);
            return options;
        }
        events.info("AppCDS archive {} in use for the new generation", archive);
        options.add(SHARED_ARCHIVE_FILE + archive);
        return options;
    }

    /**
     * Null when the JVM accepts {@code archive} for the deploy jar; else why not. First the cheap part: an archive
     * older than the jar's last change (a rename over the deploy path changes it) was made from an earlier jar.
     * Then the JVM's own verdict, which a child started with an unusable archive would only print as a warning, or
     * not survive (a truncated archive crashes the JVM): {@code java -Xshare:on -XX:SharedArchiveFile=<archive>
     * -cp <jar> -version} fails unless the archive fits this JDK, these heap settings and this very jar (the JVM
     * compares the size and modification time of each class path entry with those the archive recorded). About
     * 40 ms on an idle machine, spent only when an archive is there.
     */
    String archiveProblem(String java, Path archive, List<String> options) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(inWorkingDirectory(archive), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return "not a regular file";
            }
            FileTime jarModified = Files.getLastModifiedTime(inWorkingDirectory(jar));
            Object jarChanged = Files.getAttribute(inWorkingDirectory(jar), "unix:ctime");
            FileTime jarTime = jarChanged instanceof FileTime changed && changed.compareTo(jarModified) > 0 ? changed : jarModified;
            if (attributes.lastModifiedTime().compareTo(jarTime) < 0) {
                return "older than " + jar + ", so made from an earlier jar (create it anew from this one)";
            }
        } catch (IOException | RuntimeException e) {
            return "cannot read it or the jar: " + e;
        }
        List<String> check = new ArrayList<>(List.of(java, "-Xshare:on", SHARED_ARCHIVE_FILE + archive,
                "-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash"));
        for (String option : options) {
            if (ARCHIVE_FIT.matcher(option).matches()) {
                check.add(option);
            }
        }
        check.addAll(List.of("-cp", jar.toString(), "-version"));
        Process process = null;
        try {
            // stdin stays a pipe of its own: fd 0 of this process is the listener
            process = new ProcessBuilder(check).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(Redirect.DISCARD).start();
            process.getOutputStream().close();
            if (!process.waitFor(ARCHIVE_CHECK_SECONDS, TimeUnit.SECONDS)) {
                return "the JVM did not check it within " + ARCHIVE_CHECK_SECONDS + " s";
            }
            return process.exitValue() == 0 ? null : "this JVM cannot use it with " + jar
                    + " (made from another jar, by another JDK or with other heap settings, or damaged: create it anew)";
        } catch (IOException e) {
            return "cannot run " + java + " to check it: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking it";
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static boolean namesArchive(String option, Path archive) {
        if (!option.startsWith(SHARED_ARCHIVE_FILE)) {
            return false;
        }
        try {
            Path named = Path.of(option.substring(SHARED_ARCHIVE_FILE.length()));
            return named.toAbsolutePath().normalize().equals(archive.toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
