package dev.baton.runtime;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class-data archive an upgrade passes to the new generation, so that it maps classes already parsed and
 * verified (on JDK 25, also linked) instead of reading them from the jar: it starts, and reaches full speed,
 * sooner. An AppCDS archive at {@code <deploy path>.jsa} on JDK 17 to 24, an AOT cache at {@code <deploy path>.aot}
 * on JDK 25 and later (JEP 483, 514; without JEP 515's method profiles: {@link #WITHOUT_METHOD_PROFILES}); which one
 * follows the JDK that starts the child, this very one.
 *
 * <p>{@link #main} makes it, from a training run of the deploy jar ({@code baton.train}: the app serves on a private
 * port, runs its warm-up and exits), with the service's JVM options, and renames it into place. An archive older
 * than the jar is left out ({@link #problem}); one the child's JVM cannot use (another JDK, other heap settings,
 * damaged) it starts without, and says so. A child that crashes on a damaged archive is a failed upgrade like any
 * other: the old generation keeps serving. An app
 * whose JVM options manage CDS or AOT its own way gets its command unchanged.
 */
public final class ClassArchive {

    /** The JVM's two kinds of archive, told apart by the options that make and use them. */
    enum Kind {
        APP_CDS("AppCDS archive", ".jsa", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit="),
        AOT_CACHE("AOT cache", ".aot", "-XX:AOTCache=", "-XX:AOTCacheOutput=");

        final String label;
        final String suffix;
        final String use;
        final String record;

        Kind(String label, String suffix, String use, String record) {
            this.label = label;
            this.suffix = suffix;
            this.use = use;
            this.record = record;
        }

        /** The kind the JVM running this code makes and uses best. */
        static Kind ofThisJdk() {
            return Runtime.version().feature() >= 25 ? AOT_CACHE : APP_CDS;
        }
    }

    /** JVM options by which an app runs CDS or AOT its own way: then the child's command is left as it is. */
    private static final List<String> OWN_OPTIONS = List.of("-Xshare:", "-XX:SharedArchiveFile=",
            "-XX:ArchiveClassesAtExit=", "-XX:SharedClassListFile=", "-XX:DumpLoadedClassList=",
            "-XX:+AutoCreateSharedArchive", "-XX:+UseSharedSpaces", "-XX:-UseSharedSpaces", "-XX:+RecordDynamicDumpInfo",
            "-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTMode=", "-XX:AOTConfiguration=");
    private static final long TRAINING_SECONDS = 300;
    /**
     * An AOT cache without the training run's method profiles (JEP 515). With them, a new generation's JIT compiles
     * at start-up whatever was hot in training, before any request needs it. Measured on examples/hello (JDK 25,
     * 2 cores): 780 instead of 570 ms of CPU by the time it is ready, the compiler threads' share 480 instead of
     * 280; under 8 wrk connections the hand-off took 40-90 ms longer (medians of 3 runs each), and the p99 during
     * hand-offs was no lower. The warm-up has the JIT compile what the first requests need. A service that wants
     * the profiles passes {@code -XX:+UnlockDiagnosticVMOptions -XX:+AOTRecordTraining} among its options, which
     * come after these.
     */
    private static final List<String> WITHOUT_METHOD_PROFILES = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:-AOTRecordTraining");

    private ClassArchive() {}

    /** Where the archive for {@code jar} is looked for, and made: beside it. */
    static Path of(Path jar) {
        return jar.resolveSibling(jar.getFileName() + Kind.ofThisJdk().suffix);
    }

    /**
     * {@code jvmOptions} for a child that starts {@code jar}, with the archive when it is usable and without it
     * otherwise, also when this process got it: each upgrade decides anew, for the jar it starts.
     */
    static List<String> childOptions(Path jar, Path workingDirectory, List<String> jvmOptions, Events events) {
        Kind kind = Kind.ofThisJdk();
        Path archive = of(jar);
        List<String> options = new ArrayList<>(jvmOptions.size() + 1);
        for (String option : jvmOptions) {
            if (!names(option, archive, workingDirectory)) {
                options.add(option);
            }
        }
        if (options.stream().anyMatch(option -> OWN_OPTIONS.stream().anyMatch(option::startsWith))) {
            return jvmOptions;
        }
        if (!Files.exists(workingDirectory.resolve(archive))) {
            return options;
        }
        String problem = problem(jar, workingDirectory);
        if (problem != null) {
            events.warn("{} {} not used: {}", kind.label, archive, problem);
            return options;
        }
        events.info("{} {} in use for the new generation", kind.label, archive);
        options.add(kind.use + archive);
        return options;
    }

    /**
     * Null when the archive may be passed; else why not. Only what costs no JVM start: an archive older than the
     * jar's last change (a rename over the deploy path changes it) was made from an earlier jar. Whether the JVM
     * accepts it (same JDK, same heap settings, same jar, intact) is the child's own first decision: with an
     * archive that does not fit, the JVM starts without it, and the child says so ({@link #warnIfNotMapped}).
     * Asking a JVM beforehand cost a JVM start per upgrade, about 1 s of the hand-off on 2 busy cores.
     */
    static String problem(Path jar, Path workingDirectory) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(workingDirectory.resolve(of(jar)), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return "not a regular file";
            }
            Path deployed = workingDirectory.resolve(jar);
            FileTime modified = Files.getLastModifiedTime(deployed);
            Object changed = Files.getAttribute(deployed, "unix:ctime");
            FileTime jarTime = changed instanceof FileTime ctime && ctime.compareTo(modified) > 0 ? ctime : modified;
            return attributes.lastModifiedTime().compareTo(jarTime) < 0
                    ? "older than " + jar + ", so made from an earlier jar (create it anew from this one)" : null;
        } catch (IOException | RuntimeException e) {
            return "cannot read it or the jar: " + e;
        }
    }

    /**
     * In a generation started with an archive (by an upgrade or by hand): warns when the JVM did not map it, which
     * it does without a word of its own on most JDKs. The generation runs, only slower to reach full speed.
     */
    static void warnIfNotMapped(Events events) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            for (String option : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (option.equals("-jar") || option.equals("-cp") || option.equals("-classpath")) {
                    return; // the JVM's options end here
                }
                for (Kind kind : Kind.values()) {
                    String archive = option.startsWith(kind.use) ? option.substring(kind.use.length()) : null;
                    if (archive != null && !Files.readString(Path.of("/proc/self/maps")).contains(Path.of(archive).toString())) {
                        events.warn("{} {} was given but this JVM did not map it (made by another JDK, with other heap"
                                + " settings or from another jar, or damaged): it runs without it; create it anew",
                                kind.label, archive);
                    }
                }
            }
        } catch (IOException | InvalidPathException e) {
            // no /proc, or an option that names no path: nothing to tell
        }
    }

    private static boolean names(String option, Path archive, Path workingDirectory) {
        for (Kind kind : Kind.values()) {
            if (option.startsWith(kind.use)) {
                try {
                    Path named = workingDirectory.resolve(option.substring(kind.use.length())).normalize();
                    return named.equals(workingDirectory.resolve(archive).normalize());
                } catch (InvalidPathException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Makes the archive of a deploy jar, with this JVM's options (give it the service's: heap settings and the GC
     * decide whether an archive fits):
     * {@code java -Xmx512m -cp /srv/app/current.jar dev.baton.runtime.ClassArchive /srv/app/current.jar}.
     * The training run is {@code java <the same options> -Dbaton.train=true <record option> -jar <jar>}; its output
     * is this process's. Exit status 0 once the archive is in place, 1 when the training run failed (its self-check
     * says why), 2 on bad usage.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java [the service's JVM options] -cp JAR " + ClassArchive.class.getName() + " JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Kind kind = Kind.ofThisJdk();
        Path archive = of(jar);
        Path temporary = archive.resolveSibling(archive.getFileName() + ".tmp");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (kind == Kind.AOT_CACHE) {
            command.addAll(WITHOUT_METHOD_PROFILES); // first: the service's own options may ask for them again
        }
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (OWN_OPTIONS.stream().noneMatch(option::startsWith) && !option.startsWith("-Dbaton.train=")) {
                command.add(option);
            }
        }
        command.addAll(List.of("-Dbaton.train=true", kind.record + temporary, "-jar", jar.toString()));
        long start = System.nanoTime();
        Files.deleteIfExists(temporary);
        Process training = new ProcessBuilder(command).inheritIO().redirectInput(Redirect.from(new File("/dev/null"))).start();
        if (!training.waitFor(TRAINING_SECONDS, TimeUnit.SECONDS)) {
            training.destroyForcibly();
            fail("the training run of " + jar + " did not end within " + TRAINING_SECONDS + " s", temporary);
        }
        if (training.exitValue() != 0 || !Files.isRegularFile(temporary)) {
            fail("the training run of " + jar + " exited with status " + training.exitValue()
                    + (Files.isRegularFile(temporary) ? "" : " and wrote no " + kind.label), temporary);
        }
        Files.move(temporary, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("class archive: %s %s (%d KB) made in %d ms%n", kind.label, archive, Files.size(archive) / 1024,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void fail(String why, Path temporary) throws IOException {
        Files.deleteIfExists(temporary);
        System.err.println("class archive: " + why);
        System.exit(1);
    }
}
