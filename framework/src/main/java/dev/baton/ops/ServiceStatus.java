package dev.baton.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/** A generation's {@code /status} answer, as the {@code baton} command reads it (see {@link OpsHandler}). */
record ServiceStatus(int generation, long pid, String state, String started, long uptimeMillis, String listener,
                     int exchanges, int connections, LastUpgrade lastUpgrade, String json) {

    /** {@code result}: {@code ok}, {@code failed} or {@code rolled back}; {@code reason} may be null. */
    record LastUpgrade(String at, int from, int to, String result, long handOffMillis, String reason) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static ServiceStatus parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject() || !root.has("generation") || !root.has("pid")) {
            throw new IOException("not a Baton status: " + oneLine(json));
        }
        JsonNode last = root.path("lastUpgrade");
        LastUpgrade upgrade = last.isObject() ? new LastUpgrade(last.path("at").asText(), last.path("from").asInt(),
                last.path("to").asInt(), last.path("result").asText(), last.path("handOffMillis").asLong(),
                last.hasNonNull("reason") ? last.get("reason").asText() : null) : null;
        return new ServiceStatus(root.path("generation").asInt(), root.path("pid").asLong(), root.path("state").asText(),
                root.path("started").asText(), root.path("uptimeMillis").asLong(), root.path("listener").asText(),
                root.path("exchanges").asInt(), root.path("connections").asInt(), upgrade, json);
    }

    boolean serving() {
        return state.equals("serving");
    }

    /** Whether this status tells of another upgrade than {@code before} did (null: none then). */
    boolean upgradedSince(ServiceStatus before) {
        return lastUpgrade != null && (before == null || !Objects.equals(lastUpgrade, before.lastUpgrade));
    }

    /** {@code gen 3 pid 4242} */
    String who() {
        return "gen " + generation + " pid " + pid;
    }

    /** A few lines for a person: who serves, since when, on what, what is in flight, how the last upgrade went. */
    String describe() {
        StringBuilder text = new StringBuilder();
        text.append(who()).append(' ').append(state).append(" since ").append(started)
                .append(" (up ").append(duration(uptimeMillis)).append(")\n");
        text.append("  listener ").append(listener).append("; ").append(exchanges).append(" exchanges on ")
                .append(connections).append(" connections\n");
        if (lastUpgrade == null) {
            text.append("  no upgrade yet\n");
        } else {
            text.append("  last upgrade: gen ").append(lastUpgrade.from()).append(" -> ").append(lastUpgrade.to())
                    .append(' ').append(lastUpgrade.result()).append(" at ").append(lastUpgrade.at());
            if (lastUpgrade.result().equals("ok")) {
                text.append(" (hand-off ").append(lastUpgrade.handOffMillis()).append(" ms)");
            }
            if (lastUpgrade.reason() != null) {
                text.append(": ").append(lastUpgrade.reason());
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** {@code 850 ms}, {@code 42 s}, {@code 7m 5s}, {@code 3h 2m}, {@code 4d 1h}. */
    static String duration(long millis) {
        Duration d = Duration.ofMillis(millis);
        if (millis < 1000) {
            return millis + " ms";
        }
        if (d.toMinutes() == 0) {
            return d.toSeconds() + " s";
        }
        if (d.toHours() == 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        if (d.toDays() == 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toDays() + "d " + d.toHoursPart() + "h";
    }

    static String oneLine(String text) {
        String line = text.strip().replace('\n', ' ').replace('\r', ' ');
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
