package dev.baton.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The running app: its first generation, started here, and the generations each upgrade starts from the one
 * before (children of the app, not of this JVM). Which generation serves is what the pid file says, as for any
 * supervisor; what an upgrade came to is what the serving generation logs.
 */
final class App {

    /** What became of a start or an upgrade. */
    record Outcome(boolean ok, long pid, String failure) {
        static Outcome served(long pid) {
            return new Outcome(true, pid, null);
        }

        static Outcome failed(String why) {
            return new Outcome(false, -1, why);
        }
    }

    private final List<String> command;
    private final Path workingDirectory;
    private final Path pidFile;
    private final AppOutput output;
    private final long waitMillis;
    // Written by the dev loop's thread, read by the shutdown hook's as well
    private volatile Process first;
    private volatile long serving = -1;

    /**
     * {@code command} starts the first generation ({@code java ... -jar <deploy path>}); the app writes
     * {@code pidFile} ({@code baton.pidFile}) once a generation serves. A start or an upgrade that shows no
     * outcome within {@code waitMillis} failed.
     */
    App(List<String> command, Path workingDirectory, Path pidFile, AppOutput output, long waitMillis) {
        this.command = List.copyOf(command);
        this.workingDirectory = workingDirectory;
        this.pidFile = pidFile;
        this.output = output;
        this.waitMillis = waitMillis;
    }

    /**
     * The command as started: in a session of its own when {@code setsid} is there, so that a Ctrl-C in the
     * terminal reaches Maven alone, which then stops the app with one signal (a second signal would cut its drain).
     */
    static List<String> detached(List<String> command) {
        for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin").split(File.pathSeparator)) {
            Path setsid = Path.of(dir.isEmpty() ? "." : dir, "setsid");
            if (Files.isExecutable(setsid)) {
                List<String> detached = new ArrayList<>();
                detached.add(setsid.toString());
                detached.addAll(command);
                return detached;
            }
        }
        return command;
    }

    /** Starts generation 1 and waits until it serves (its pid in the pid file) or fails. */
    Outcome start() throws IOException, InterruptedException {
        Files.deleteIfExists(pidFile);
        output.poll(); // what a generation that died wrote last, before its log is emptied
        output.reset();
        output.clear();
        long start = System.nanoTime();
        // setsid execs the JVM in its own place: the process started is the JVM, with the same pid. Its stdout
        // and stderr: one file, opened for appending, which every generation inherits.
        ProcessBuilder builder = new ProcessBuilder(detached(command)).directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        first = builder.start();
        output.remember(first.toHandle());
        while (true) {
            long pid = pidInFile();
            if (pid == first.pid()) {
                serving = pid;
                return Outcome.served(pid);
            }
            if (first.waitFor(20, TimeUnit.MILLISECONDS)) {
                serving = -1;
                return Outcome.failed("the app exited with status " + first.exitValue() + " before it was ready");
            }
            if (millisSince(start) > waitMillis) {
                stop(5_000);
                return Outcome.failed("the app was not ready within " + waitMillis + " ms");
            }
        }
    }

    /**
     * SIGUSR2 to the serving generation, then waits for the outcome: the pid file names a new, live process (the
     * next generation serves), or the serving one logs why not ({@code upgrade failed: ...}).
     */
    Outcome upgrade() throws IOException, InterruptedException {
        long old = serving;
        output.clear();
        long start = System.nanoTime();
        signal("USR2", old);
        while (true) {
            long pid = pidInFile();
            if (pid > 0 && pid != old && alive(pid)) {
                serving = pid;
                return Outcome.served(pid);
            }
            LogLine line = output.next(10);
            if (line != null && line.pid() == old && line.upgradeFailure() != null) {
                return Outcome.failed(line.upgradeFailure());
            }
            if (!alive(old)) {
                serving = pid > 0 && alive(pid) ? pid : -1;
                return serving > 0 ? Outcome.served(serving) : Outcome.failed("pid " + old + " is gone and no generation serves");
            }
            if (millisSince(start) > waitMillis) {
                return Outcome.failed("no new generation took over within " + waitMillis + " ms; pid " + old + " keeps serving");
            }
        }
    }

    /** Whether a generation serves (the last one known is alive, or the pid file names another live one). */
    boolean running() {
        if (serving > 0 && alive(serving)) {
            return true;
        }
        long pid = pidInFile();
        if (pid > 0 && alive(pid)) {
            serving = pid;
            return true;
        }
        serving = -1;
        return false;
    }

    long servingPid() {
        return serving;
    }

    /**
     * The final stop: SIGTERM to the generation that serves (it drains and exits, and stops a child it is
     * starting), then waits up to {@code graceMillis} for every app process there was to end; SIGKILL to what is
     * left. Returns the pids that had to be killed.
     */
    Set<Long> stop(long graceMillis) throws InterruptedException {
        long known = serving;
        long target = known > 0 ? known : pidInFile();
        Set<ProcessHandle> all = new java.util.HashSet<>(output.processes());
        Process gen1 = first;
        if (gen1 != null) {
            all.add(gen1.toHandle());
            gen1.toHandle().descendants().forEach(all::add);
        }
        all.removeIf(process -> !process.isAlive());
        Optional<ProcessHandle> owner = all.stream().filter(process -> process.pid() == target).findFirst();
        if (owner.isPresent()) {
            owner.get().destroy();
        } else {
            all.forEach(ProcessHandle::destroy);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(20);
        }
        Set<Long> killed = new java.util.TreeSet<>();
        for (ProcessHandle process : all) {
            if (process.isAlive()) {
                process.destroyForcibly();
                killed.add(process.pid());
            }
        }
        if (gen1 != null) {
            gen1.waitFor(2, TimeUnit.SECONDS);
        }
        return killed;
    }

    long pidInFile() {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes()).strip();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + said);
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
