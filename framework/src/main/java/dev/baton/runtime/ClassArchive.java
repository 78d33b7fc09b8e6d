package dev.baton.runtime;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The class-data archive an upgrade passes to the new generation, so that it maps classes already parsed and
 * verified (on JDK 25, also linked, with method profiles) instead of reading them from the jar: it starts, and
 * reaches full speed, sooner. An AppCDS archive at {@code <deploy path>.jsa} on JDK 17 to 24, an AOT cache at
 * {@code <deploy path>.aot} on JDK 25 and later (JEP 483, 514, 515); which one follows the JDK that starts the
 * child, this very one.
 *
 * <p>{@link #main} makes it, from a training run of the deploy jar ({@code baton.train}: the app serves on a private
 * port, runs its warm-up and exits), with the service's JVM options, and renames it into place. An archive is passed
 * only when the JVM itself accepts it for this jar ({@link #problem}); anything else (made from an earlier jar, by
 * another JDK, with other heap settings, or damaged, which could crash the child) is logged and left out. An app
 * whose JVM options manage CDS or AOT its own way gets its command unchanged.
 */
public final class ClassArchive {

    /** The JVM's two kinds of archive, told apart by the options that make and use them. */
    enum Kind {
        APP_CDS("AppCDS archive", ".jsa", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=", "-Xshare:on"),
        AOT_CACHE("AOT cache", ".aot", "-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTMode=on");

        final String label;
        final String suffix;
        final String use;
        final String record;
        final String required;

        Kind(String label, String suffix, String use, String record, String required) {
            this.label = label;
            this.suffix = suffix;
            this.use = use;
            this.record = record;
            this.required = required;
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
    /** JVM options that decide whether an archive fits (compressed oops and class pointers, heap size, GC). */
    private static final Pattern ARCHIVE_FIT = Pattern.compile(
            "-Xmx.*|-XX:(MaxHeapSize|MaxRAM\\w*|ObjectAlignmentInBytes|CompressedClassSpaceSize)=.*"
                    + "|-XX:[+-](UseCompressed\\w+|Use\\w+GC|Unlock\\w+VMOptions)");
    private static final long CHECK_SECONDS = 10;
    private static final long TRAINING_SECONDS = 300;

    private ClassArchive() {}

    /** Where the archive for {@code jar} is looked for, and made: beside it. */
    static Path of(Path jar) {
        return jar.resolveSibling(jar.getFileName() + Kind.ofThisJdk().suffix);
    }

    /**
     * {@code jvmOptions} for a child that starts {@code jar}, with the archive when it is usable and without it
     * otherwise, also when this process got it: each upgrade decides anew, for the jar it starts.
     */
    static List<String> childOptions(String java, Path jar, Path workingDirectory, List<String> jvmOptions, Events events) {
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
        String problem = problem(java, jar, workingDirectory, options);
        if (problem != null) {
            events.warn("{} {} not used: {}", kind.label, archive, problem);
            return options;
        }
        events.info("{} {} in use for the new generation", kind.label, archive);
        options.add(kind.use + archive);
        return options;
    }

    /**
     * Null when the JVM accepts the archive of {@code jar}; else why not. First the cheap part: an archive older
     * than the jar's last change (a rename over the deploy path changes it) was made from an earlier jar. Then the
     * JVM's own verdict, which a child started with an unusable archive would only print as a warning, or not
     * survive: {@code java -Xshare:on} (or {@code -XX:AOTMode=on}) with the archive and {@code -cp <jar> -version}
     * fails unless the archive fits this JDK, these heap settings and this very jar. About 40 ms, spent only when
     * an archive is there.
     */
    static String problem(String java, Path jar, Path workingDirectory, List<String> options) {
        Kind kind = Kind.ofThisJdk();
        Path archive = of(jar);
        try {
            BasicFileAttributes attributes = Files.readAttributes(workingDirectory.resolve(archive), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return "not a regular file";
            }
            Path deployed = workingDirectory.resolve(jar);
            FileTime modified = Files.getLastModifiedTime(deployed);
            Object changed = Files.getAttribute(deployed, "unix:ctime");
            FileTime jarTime = changed instanceof FileTime ctime && ctime.compareTo(modified) > 0 ? ctime : modified;
            if (attributes.lastModifiedTime().compareTo(jarTime) < 0) {
                return "older than " + jar + ", so made from an earlier jar (create it anew from this one)";
            }
        } catch (IOException | RuntimeException e) {
            return "cannot read it or the jar: " + e;
        }
        List<String> check = new ArrayList<>(List.of(java, kind.required, kind.use + archive,
                "-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash"));
        options.stream().filter(option -> ARCHIVE_FIT.matcher(option).matches()).forEach(check::add);
        check.addAll(List.of("-cp", jar.toString(), "-version"));
        Process process = null;
        try {
            // stdin stays a pipe of its own: fd 0 of this process is the listener
            process = new ProcessBuilder(check).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(Redirect.DISCARD).start();
            process.getOutputStream().close();
            if (!process.waitFor(CHECK_SECONDS, TimeUnit.SECONDS)) {
                return "the JVM did not check it within " + CHECK_SECONDS + " s";
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
