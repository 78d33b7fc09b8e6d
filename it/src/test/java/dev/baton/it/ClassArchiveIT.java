package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The training run ({@code baton.train}) makes the class-data archive of the JDK that runs it, and the next
 * generation maps it: an AOT cache on JDK 25 here (the AppCDS archive of JDK 17 is in ZeroDowntimeIT). A release
 * whose self-check fails makes no archive, and says why.
 */
class ClassArchiveIT {

    /** The Temurin 25 JDK installed beside the default one, if any. */
    private static Path jdk25() throws Exception {
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(home -> home.getFileName().toString().startsWith("temurin-25"))
                    .filter(home -> Files.isExecutable(home.resolve("bin/java"))).findFirst().orElse(null);
        }
    }

    private static Process train(Deployment app, String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(app.java().toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", "app.jar", "dev.baton.runtime.ClassArchive", "app.jar"));
        Process training = new ProcessBuilder(command).directory(app.dir.toFile()).redirectErrorStream(true)
                .redirectOutput(app.dir.resolve("training.log").toFile()).start();
        assertTrue(training.waitFor(120, TimeUnit.SECONDS), "the training run ends");
        return training;
    }

    @Test
    void onJdk25TheTrainingRunMakesAnAotCacheThatTheNextGenerationMaps() throws Exception {
        Path jdk25 = jdk25();
        assumeTrue(jdk25 != null, "no Temurin 25 under /usr/lib/jvm");
        try (Deployment app = new Deployment().withJava(jdk25).start()) {
            Process training = train(app, "-Dbaton.warmUp=/,/slow?ms=1");
            String log = Files.readString(app.dir.resolve("training.log"));
            assertEquals(0, training.exitValue(), log);
            assertTrue(log.contains("warm-up: "), log);
            assertTrue(log.contains("class archive: AOT cache app.jar.aot ("), log);
            assertTrue(Files.isRegularFile(app.dir.resolve("app.jar.aot")));
            assertFalse(Files.exists(app.dir.resolve("app.jar.aot.tmp")));

            assertEquals(0, methodProfiles(app), "no method profiles: a new generation would compile them all at start-up");

            long child = app.upgrade();
            assertTrue(app.logText().contains("AOT cache app.jar.aot in use for the new generation"), app.tail());
            assertTrue(Files.readString(Path.of("/proc/" + child + "/maps")).contains("app.jar.aot"),
                    "the new generation maps the cache");
        }
    }

    @Test
    void onJdk25AServiceThatAsksForMethodProfilesGetsThem() throws Exception {
        Path jdk25 = jdk25();
        assumeTrue(jdk25 != null, "no Temurin 25 under /usr/lib/jvm");
        try (Deployment app = new Deployment().withJava(jdk25)) {
            Process training = train(app, "-XX:+UnlockDiagnosticVMOptions", "-XX:+AOTRecordTraining");
            assertEquals(0, training.exitValue(), Files.readString(app.dir.resolve("training.log")));
            assertTrue(methodProfiles(app) > 0, "the cache holds the training run's method profiles");
        }
    }

    /** How many methods the AOT cache app.jar.aot holds training data (profiles, compilations) for, as the JVM lists them. */
    private static long methodProfiles(Deployment app) throws Exception {
        Process jvm = new ProcessBuilder(app.java().toString(), "-XX:AOTCache=app.jar.aot", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+AOTPrintTrainingInfo", "-cp", "app.jar", "-version").directory(app.dir.toFile())
                .redirectErrorStream(true).start();
        String listing = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "java -version ends");
        assertTrue(listing.contains("Archived TrainingData Dictionary"), listing);
        return listing.lines().filter(line -> line.matches("\\s*\\d+: .* M .*")).count();
    }

    @Test
    void aReleaseWhoseSelfCheckFailsMakesNoArchiveAndSaysWhy() throws Exception {
        try (Deployment app = new Deployment().start()) {
            Jars.withMainClass(Deployment.TEST_APP, app.jar, "dev.baton.it.TestApp$WarmUpFails");
            Process training = train(app);
            String log = Files.readString(app.dir.resolve("training.log"));
            assertEquals(1, training.exitValue(), log);
            assertTrue(log.contains("self-check GET /api/items answered 500: this generation cannot serve; exit 1"), log);
            assertTrue(log.contains("class archive: the training run of app.jar exited with status 1"), log);
            try (Stream<Path> files = Files.list(app.dir)) {
                assertEquals(List.of(), files.map(Path::getFileName).map(Path::toString)
                        .filter(name -> name.contains(".jsa") || name.contains(".aot")).toList(), "no archive, not even a part");
            }
        }
    }
}
