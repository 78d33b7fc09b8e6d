package dev.baton.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLineTest {

    @Test
    void findsTheLifecycleEventWhateverComesBefore() {
        LogLine line = LogLine.parse("2026-12-02T05:18:44.648 INFO baton - gen=1 pid=18189 spawned gen 2 pid 18649 from /x/current.jar").orElseThrow();
        assertEquals(1, line.generation());
        assertEquals(18189, line.pid());
        assertEquals("spawned gen 2 pid 18649 from /x/current.jar", line.event());
        assertEquals(18649, line.spawnedPid());
        assertNull(line.upgradeFailure());
        assertEquals(-1, LogLine.parse("gen=3 pid=7 ready in 12 ms").orElseThrow().spawnedPid());
        assertTrue(LogLine.parse("[INFO] nothing of Baton's").isEmpty());
        assertTrue(LogLine.parse("regen=1 pid=2 x").isEmpty(), "gen= starts a word");
    }

    @Test
    void upgradeFailuresAreBatonsOwnWords() {
        String failed = "upgrade failed: gen 2 pid 9 exited with status 1 before it was ready; gen 1 keeps serving";
        assertEquals(failed, LogLine.parse("ERROR baton - gen=1 pid=8 " + failed).orElseThrow().upgradeFailure());
        String refused = "upgrade refused: /x/current.jar: no such file";
        assertEquals(refused, LogLine.parse("gen=1 pid=8 " + refused).orElseThrow().upgradeFailure());
        assertNull(LogLine.parse("gen=1 pid=8 upgrade requested (SIGUSR2)").orElseThrow().upgradeFailure());
    }
}
