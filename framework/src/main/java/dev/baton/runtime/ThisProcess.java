package dev.baton.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a generation knows of its own process from the start: its pid, its parent's, when it started, and the
 * working directory its successors start in.
 *
 * <p>The pids and the start come from /proc in two small reads, on the way to the first request. RuntimeMXBean (the
 * JVM's start time) and ProcessHandle (pids) would each load a subsystem for that: JMX's platform beans and the
 * JDK's process-reaper thread pool. ProcessHandle is the fallback should /proc be unreadable.
 *
 * @param startNanos when the process started, on the {@link System#nanoTime()} clock
 */
record ThisProcess(long pid, long parentPid, long startNanos) {

    /** USER_HZ, the unit of /proc's clock ticks: 100 on every Linux the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    /**
     * Reads it. The start is the process's (the fork, a few ms before the JVM reads its own clock), to within
     * 10 ms: /proc counts both it and the time since boot in clock ticks.
     */
    static ThisProcess read() {
        long now = System.nanoTime();
        try {
            // "pid (comm) state ppid ... starttime ...": starttime is field 22; comm may hold spaces and parentheses
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields[0] is field 3
            String uptime = Files.readString(Path.of("/proc/uptime"));
            long uptimeNanos = (long) (Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1e9);
            long ageNanos = uptimeNanos - Long.parseLong(fields[19]) * (1_000_000_000L / TICKS_PER_SECOND);
            return new ThisProcess(Long.parseLong(stat.substring(0, stat.indexOf(' '))), Long.parseLong(fields[1]),
                    now - Math.max(0, ageNanos));
        } catch (IOException | RuntimeException e) {
            ProcessHandle self = ProcessHandle.current();
            Optional<ProcessHandle> parent = self.parent();
            Optional<Instant> start = self.info().startInstant();
            long ageNanos = start.isPresent() ? Math.max(0, Duration.between(start.get(), Instant.now()).toNanos()) : 0;
            return new ThisProcess(self.pid(), parent.isPresent() ? parent.get().pid() : 0, now - ageNanos);
        }
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
}
