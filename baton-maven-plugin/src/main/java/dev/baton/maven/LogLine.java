package dev.baton.maven;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lifecycle line of the app's log, whatever comes before it on the line (time, level, logger):
 * {@code gen=<n> pid=<pid> <event>}, as Baton's logger {@code baton} writes each of them.
 */
record LogLine(int generation, long pid, String event) {

    private static final Pattern LIFECYCLE = Pattern.compile("(?:^|\\s)gen=(\\d{1,9}) pid=(\\d{1,18}) (.*)$");

    static Optional<LogLine> parse(String line) {
        Matcher m = LIFECYCLE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new LogLine(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3).strip()));
    }

    /** Why an upgrade this generation started did not happen: Baton's own words, or null if this line is not that. */
    String upgradeFailure() {
        for (String start : new String[] {"upgrade failed: ", "upgrade refused: ", "SIGUSR2 ignored: "}) {
            if (event.startsWith(start)) {
                return event;
            }
        }
        return null;
    }

    /** The pid of the generation this one started ({@code spawned gen 2 pid 123 from ...}), or -1. */
    long spawnedPid() {
        Matcher m = SPAWNED.matcher(event);
        return m.lookingAt() ? Long.parseLong(m.group(1)) : -1;
    }

    private static final Pattern SPAWNED = Pattern.compile("spawned gen \\d+ pid (\\d+) ");
}
