package dev.baton.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the spread of the 1012s fits inside the drain: it ends two graces (1 s, or a quarter) before the deadline. */
class WsSpreadTest {

    @Test
    void theSpreadAsSetFitsALongDrain() {
        assertEquals(Duration.ofSeconds(5), WsSockets.spread(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertEquals(Duration.ZERO, WsSockets.spread(Duration.ZERO, Duration.ofSeconds(30)));
    }

    @Test
    void aShortDrainCutsTheSpreadShort() {
        assertEquals(Duration.ofSeconds(3), WsSockets.spread(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        // drainTimeout 2 s: a grace is 500 ms, so 1 s is left to spread over
        assertEquals(Duration.ofSeconds(1), WsSockets.spread(Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertEquals(Duration.ZERO, WsSockets.spread(Duration.ofSeconds(5), Duration.ZERO));
    }
}
