package dev.baton.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What a new generation writes to stderr until it owns the service, passed on to this process's stderr and
 * remembered, so that a child that dies before it is ready can be reported with its own last words ("Address
 * already in use") rather than just an exit status. A pipe can only stand in for stderr while the parent lives:
 * the child swaps it for a copy of its stdout once it owns the service, which is lossless only where stdout and
 * stderr are one and the same open file (a journal, a terminal, {@code >log 2>&1}). Elsewhere the child gets the
 * real stderr and nothing is captured.
 */
final class ChildStderr {

    private static final int LINES_KEPT = 50;
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+at .*|\\s*\\.\\.\\. \\d+ more");
    private static final Pattern BIND_FAILED = Pattern.compile("(?i).*(already in use|bind failed|BindException).*");

    private final Deque<String> lines = new ArrayDeque<>();
    private final Thread relay;

    private ChildStderr(InputStream from) {
        relay = new Thread(() -> copy(from), "baton-child-stderr");
        relay.setDaemon(true);
        relay.start();
    }

    /** Whether fds 1 and 2 of this process are the same open file, so that a child may merge them. */
    static boolean capturable() {
        try {
            Path fds = Path.of("/proc/self/fd");
            Path info = Path.of("/proc/self/fdinfo");
            return Files.readSymbolicLink(fds.resolve("1")).equals(Files.readSymbolicLink(fds.resolve("2")))
                    && flags(info.resolve("1")).equals(flags(info.resolve("2")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<String> flags(Path fdinfo) throws IOException {
        return Files.readAllLines(fdinfo).stream().filter(line -> line.startsWith("flags:")).findFirst();
    }

    static ChildStderr relay(Process child) {
        return new ChildStderr(child.getErrorStream());
    }

    private void copy(InputStream from) {
        @SuppressWarnings("resource") // fd 2 of this process: never ours to close
        OutputStream to = new FileOutputStream(FileDescriptor.err);
        StringBuilder line = new StringBuilder();
        byte[] buffer = new byte[8192];
        try (from) {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                remember(new String(buffer, 0, n, StandardCharsets.UTF_8), line);
            }
        } catch (IOException ended) {
            // the child's end closed: nothing more to pass on
        }
    }

    private void remember(String text, StringBuilder line) {
        for (char c : text.toCharArray()) {
            if (c != '\n') {
                line.append(c);
                continue;
            }
            synchronized (lines) {
                lines.addLast(line.toString().stripTrailing());
                if (lines.size() > LINES_KEPT) {
                    lines.removeFirst();
                }
            }
            line.setLength(0);
        }
    }

    /** The last line the child wrote that says something (stack frames skipped), or null. */
    String lastWords() {
        List<String> kept = kept();
        for (int i = kept.size() - 1; i >= 0; i--) {
            String line = kept.get(i);
            if (!line.isBlank() && !STACK_FRAME.matcher(line).matches()) {
                return line.strip();
            }
        }
        return null;
    }

    /** Whether the child said it could not bind an address. */
    boolean bindFailed() {
        return kept().stream().anyMatch(line -> BIND_FAILED.matcher(line).matches());
    }

    /** Waits, boundedly, until the child's stderr is no longer this pipe (it exited or owns the service). */
    void awaitEnd(long millis) {
        try {
            relay.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> kept() {
        awaitEnd(TimeUnit.SECONDS.toMillis(1)); // a child that just exited: its last bytes may still be in the pipe
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }
}
