package dev.baton.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * What a parent generation tells the child it starts, through the child's environment. Only trusted when the
 * claimed parent is the process that really is our parent: a stale variable copied into a shell or a unit file
 * must not make a process believe its fd 0 is a listener.
 */
record Handoff(int generation, long parentPid, Path readySocket, String token, boolean stderrPiped, long requestedAtMillis,
        boolean offersTotals, List<String> listeners) {

    static final String GENERATION = "BATON_HANDOFF_GENERATION";
    static final String PARENT_PID = "BATON_HANDOFF_PARENT_PID";
    static final String READY_SOCKET = "BATON_HANDOFF_SOCKET";
    static final String TOKEN = "BATON_HANDOFF_TOKEN";
    /** Set when the child's stderr is a pipe to its parent, to be swapped for a copy of stdout (see ChildStderr). */
    static final String STDERR = "BATON_HANDOFF_STDERR";
    private static final String PIPED = "pipe";
    /** When the parent was asked to upgrade (epoch milliseconds): the new generation reports the hand-off's length. */
    static final String REQUESTED_AT = "BATON_HANDOFF_REQUESTED_AT";
    /** Set by a parent that sends its totals to a child that asks for them (see ReadyChannel#ASKS_TOTALS). */
    static final String TOTALS = "BATON_HANDOFF_TOTALS";
    /** The names of the listeners beyond fd 0 the parent hands over on request (see HandedListeners), comma-separated. */
    static final String LISTENERS = "BATON_HANDOFF_LISTENERS";

    /** The variables a parent adds to its child's environment. */
    Map<String, String> asEnvironment() {
        return Map.of(GENERATION, Integer.toString(generation), PARENT_PID, Long.toString(parentPid),
                READY_SOCKET, readySocket.toString(), TOKEN, token, STDERR, stderrPiped ? PIPED : "inherited",
                REQUESTED_AT, Long.toString(requestedAtMillis), TOTALS, Boolean.toString(offersTotals),
                LISTENERS, String.join(",", listeners));
    }

    /**
     * The hand-off meant for this process, if any: the claimed parent is our parent, or it is {@code gone} and
     * left its ready socket behind. {@code ignored} receives why variables that are present were not trusted.
     */
    static Optional<Handoff> fromEnvironment(Map<String, String> env, long actualParentPid, LongPredicate gone,
            StringBuilder ignored) {
        String parent = env.get(PARENT_PID);
        if (parent == null) {
            return Optional.empty();
        }
        try {
            Handoff handoff = new Handoff(Integer.parseInt(env.get(GENERATION)), Long.parseLong(parent),
                    Path.of(env.get(READY_SOCKET)), env.get(TOKEN), PIPED.equals(env.get(STDERR)),
                    Long.parseLong(env.getOrDefault(REQUESTED_AT, "0")), "true".equals(env.get(TOTALS)),
                    names(env.getOrDefault(LISTENERS, "")));
            // A parent that died while this process started (before it could look) left it its listener at fd 0
            // and, unable to clean up, its ready socket: the hand-off then settles as "parent died".
            boolean orphaned = gone.test(handoff.parentPid) && Files.exists(handoff.readySocket);
            if (handoff.parentPid != actualParentPid && !orphaned) {
                ignored.append(PARENT_PID + "=" + parent + " is not our parent (" + actualParentPid + ")");
                return Optional.empty();
            }
            if (handoff.generation < 2 || handoff.token == null || handoff.token.isEmpty()) {
                ignored.append("incomplete " + GENERATION + "/" + TOKEN);
                return Optional.empty();
            }
            return Optional.of(handoff);
        } catch (RuntimeException e) {
            ignored.append("unreadable hand-off variables: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static List<String> names(String list) {
        return list.isEmpty() ? List.of() : List.of(list.split(","));
    }
}
