package dev.baton.maven;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The app's log: stdout and stderr of every generation go to one file (as to a journal, so that Baton passes a
 * dying child's last words on), which is followed here: each line goes to the developer's terminal as it is, and
 * the lifecycle lines to whoever waits for an upgrade's outcome. A file, not a pipe to this JVM: the JDK closes
 * a process's pipe once that process exits, which the first generation does at its first upgrade, while its
 * successors go on writing.
 */
final class AppOutput {

    private final BlockingQueue<LogLine> lines = new LinkedBlockingQueue<>();
    /**
     * Every app process the log has named: gen 1 and each one spawned since. Handles, not pids: a handle knows its
     * process's start time, so that a pid the system gave to another process since is never signalled.
     */
    private final Set<ProcessHandle> processes = ConcurrentHashMap.newKeySet();
    private final PrintStream terminal;
    private final Path log;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;

    AppOutput(PrintStream terminal, Path log) {
        this.terminal = terminal;
        this.log = log;
    }

    Path log() {
        return log;
    }

    /** Empties the log, for a new first generation. */
    synchronized void reset() throws IOException {
        Files.createDirectories(log.getParent());
        Files.write(log, new byte[0]);
        position = 0;
        partial.reset();
    }

    /** Follows the log on a thread of its own, every {@code millis}. */
    void follow(long millis) {
        Thread follow = new Thread(() -> {
            while (true) {
                try {
                    poll();
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    // not there (yet, or any more): nothing to print
                }
            }
        }, "baton-dev-app-log");
        follow.setDaemon(true);
        follow.start();
    }

    /** Prints what the app wrote since the last call, whole lines only. */
    synchronized void poll() throws IOException, InterruptedException {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            if (channel.size() < position) {
                position = 0; // emptied meanwhile
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (true) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read <= 0) {
                    break;
                }
                position += read;
                for (int i = 0; i < read; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        line(partial.toString(Charset.defaultCharset()));
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
            }
        }
    }

    private void line(String line) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        terminal.println(text);
        terminal.flush();
        LogLine.parse(text).ifPresent(this::lifecycle);
    }

    void lifecycle(LogLine line) {
        ProcessHandle.of(line.pid()).ifPresent(processes::add);
        long spawned = line.spawnedPid();
        if (spawned > 0) {
            ProcessHandle.of(spawned).ifPresent(processes::add);
        }
        lines.add(line);
    }

    /** Forgets lifecycle lines read so far: what follows is about what comes next. */
    void clear() {
        lines.clear();
    }

    /** The next lifecycle line within {@code millis}, or null. */
    LogLine next(long millis) throws InterruptedException {
        return lines.poll(millis, TimeUnit.MILLISECONDS);
    }

    Set<ProcessHandle> processes() {
        return Set.copyOf(processes);
    }

    void remember(ProcessHandle process) {
        processes.add(process);
    }
}
