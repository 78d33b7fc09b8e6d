package dev.baton.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A new generation's side of the hand-off: it reports ready to the parent that started it and learns who owns
 * the service. GO: this generation does. No GO from a parent that is still alive: the parent keeps it, and this
 * generation must leave. No GO because the parent died (OOM killer, {@code kill -9}): this generation holds the
 * only remaining copy of the listener, so it takes over rather than take the service down with it.
 */
final class Parent {

    /** How long the parent may take between the ready report and its answer; it answers at once when it can. */
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(10);
    /**
     * A dying process closes its sockets before the kernel hands its children to a new parent, so the end of
     * the channel can be seen a moment before the parent pid changes.
     */
    private static final Duration REPARENTING = Duration.ofSeconds(1);

    enum Verdict { GO, PARENT_DIED, REFUSED }

    /**
     * The verdict, what led to it when it is not GO, and after a GO: the link to the parent (null when it has no
     * more to say), whether it parks on probation, and its totals to count on from (null when it sent none).
     */
    record Answer(Verdict verdict, String why, ProbationLink link, boolean probation, String totals) {}

    /** Whether fd 2 is still the pipe through which the parent relays it. */
    private static boolean stderrStillPiped;

    private Parent() {}

    /**
     * Reports ready and returns the verdict; a parent that died is logged here. Unless the verdict is GO, stderr
     * is this process's own again when this returns. After a GO the parent goes on relaying it until this
     * process merges it ({@link #mergeStderrIfStillPiped}, a second after ready or before an upgrade, whichever
     * comes first): that call is the first into libc, and loading jnr (half a second of CPU) has no place on the
     * hand-off's path.
     */
    static Answer reportReady(Handoff handoff, long pid, Events events) {
        Answer answer = ask(handoff, pid);
        if (handoff.stderrPiped()) {
            stderrStillPiped = true;
            if (answer.verdict() != Verdict.GO) {
                mergeStderrIfStillPiped(events); // first: the parent, which relayed stderr until now, is gone or done
            }
        }
        String parent = "parent gen " + (handoff.generation() - 1) + " pid " + handoff.parentPid();
        if (answer.verdict() == Verdict.PARENT_DIED) {
            events.warn("{} died during the hand-off; taking over ({})", parent, answer.why());
        }
        return answer;
    }

    /** The self-check failed: tells the parent why, so that it logs the reason with its own failure line. */
    static void reportFailure(Handoff handoff, long pid, String why, Events events) {
        try {
            ReadyChannel.reportFailure(handoff.readySocket(), handoff.token(), pid, why);
        } catch (IOException e) {
            events.warn("cannot tell parent gen {} pid {} why: {}", handoff.generation() - 1, handoff.parentPid(),
                    e.getMessage());
        }
    }

    private static Answer ask(Handoff handoff, long pid) {
        String why;
        try {
            ReadyChannel.Answer reply = ReadyChannel.reportReady(handoff.readySocket(), handoff.token(), pid, ANSWER_DEADLINE,
                    handoff.offersTotals());
            String answer = reply.line();
            if (ReadyChannel.GO.equals(answer)) {
                return new Answer(Verdict.GO, null, reply.link(), reply.probation(), reply.totals());
            }
            why = answer == null ? "it closed the hand-off or did not answer within " + ANSWER_DEADLINE.toSeconds() + " s"
                    : "it answered '" + answer + "'";
        } catch (IOException e) {
            why = "cannot report ready to it: " + e.getMessage();
        }
        if (diedSince(handoff.parentPid())) {
            removeHandoffDirectory(handoff.readySocket());
            return new Answer(Verdict.PARENT_DIED, why, null, false, null);
        }
        return new Answer(Verdict.REFUSED, why, null, false, null);
    }

    /**
     * Points stderr back at stdout, which is the same open file the parent's stderr was (ChildStderr.capturable),
     * if it is still the parent's pipe.
     */
    static synchronized void mergeStderrIfStillPiped(Events events) {
        if (!stderrStillPiped) {
            return;
        }
        stderrStillPiped = false;
        try {
            Native.dup2(1, 2);
        } catch (IOException | RuntimeException e) {
            events.warn("cannot point stderr back at stdout: {}", e.getMessage());
        }
    }

    /** Whether process {@code pid} has ended (a zombie has: it only waits to be reaped). */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static boolean diedSince(long parentPid) {
        long deadline = System.nanoTime() + REPARENTING.toNanos();
        do {
            if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L) != parentPid || gone(parentPid)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** A parent that died could not clean up after itself; its successor does. */
    private static void removeHandoffDirectory(Path socket) {
        try {
            Files.deleteIfExists(socket);
            Path directory = socket.getParent();
            if (directory != null && directory.getFileName().toString().startsWith("baton-handoff-")) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException | RuntimeException leftBehind) {
            // a stale socket in a private temp directory harms nothing
        }
    }
}
