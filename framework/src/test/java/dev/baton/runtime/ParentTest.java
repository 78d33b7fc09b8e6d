package dev.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParentTest {

    @Test
    void aRunningProcessIsNotGoneAnExitedOneIs() throws Exception {
        assertFalse(Parent.gone(ProcessHandle.current().pid()));
        Process exited = new ProcessBuilder("true").start();
        assertTrue(exited.waitFor(10, TimeUnit.SECONDS));
        assertTrue(Parent.gone(exited.pid()));
    }
}
