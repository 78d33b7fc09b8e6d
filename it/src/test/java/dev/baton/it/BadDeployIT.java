package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tools.KeepAliveClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

/**
 * A broken release never takes the service down: the serving generation refuses or rolls back the upgrade,
 * logs why, keeps serving every request meanwhile, and a good release afterwards upgrades as usual.
 */
class BadDeployIT {

    @FunctionalInterface
    interface Breakage {
        void apply(Path deployPath) throws Exception;
    }

    /**
     * Long enough for a good release to start beside 8 busy clients on a slow 2-core CI machine (3.9 s seen),
     * short enough that the never-ready case does not dominate the suite.
     */
    @Test
    void everyKindOfBrokenReleaseIsRefusedOrRolledBack() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.readyTimeout=12s")) {
            Path good = app.dir.resolve("good.jar");
            Files.copy(app.jar, good);
            KeepAliveClient load = new KeepAliveClient("127.0.0.1", app.port(), 8, 180);
            try (load) {
                app.await(() -> load.ok() > 100, 30, "load to warm up");
                survives(app, load, "missing path", Files::delete, "upgrade refused: app.jar: no such file");
                survives(app, load, "not a zip", jar -> replace(jar, "this is not a jar"),
                        "upgrade refused: app.jar: not a jar");
                survives(app, load, "no Main-Class", jar -> Jars.withMainClass(good, jar, null),
                        "upgrade refused: app.jar: its manifest has no Main-Class");
                survives(app, load, "main throws", jar -> Jars.withMainClass(good, jar, "dev.baton.it.TestApp$MainThrows"),
                        "exited with status 1 before it was ready: \"Exception in thread \"main\" "
                                + "java.lang.IllegalStateException: broken on purpose\"; gen ");
                survives(app, load, "main returns", jar -> Jars.withMainClass(good, jar, "dev.baton.it.TestApp$MainReturns"),
                        "exited with status 0 before it was ready; gen ");
                survives(app, load, "self-check fails", jar -> Jars.withMainClass(good, jar, "dev.baton.it.TestApp$WarmUpFails"),
                        "self-check GET /api/items answered 500; gen ");
                survives(app, load, "never ready", jar -> Jars.withMainClass(good, jar, "dev.baton.it.TestApp$NeverReady"),
                        "was not ready within 12000 ms; gen ");
            }
            assertEquals(0, load.failed(), load.summary());
            assertEquals(0, load.non2xx(), load.summary());
            assertTrue(app.logText().contains("java.lang.IllegalStateException: broken on purpose"),
                    "the broken child's own error reaches the log it shares with its parent");
        }
    }

    /** Deploys as a deploy script must: a new file renamed over the deploy path, never a rewrite in place. */
    private static void replace(Path jar, String content) throws java.io.IOException {
        Path temp = jar.resolveSibling("incoming.tmp");
        Files.writeString(temp, content);
        Files.move(temp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Breaks the deploy path, signals, checks the reason is logged while the same generation keeps serving,
     * then deploys the good jar again and checks that it takes over.
     */
    private static void survives(Deployment app, KeepAliveClient load, String what, Breakage breakage, String reason)
            throws Exception {
        Path good = app.dir.resolve("good.jar");
        long serving = app.currentPid();
        breakage.apply(app.jar);
        long reasonsBefore = app.logCount(reason);
        app.signal(serving, "USR2");
        app.await(() -> {
            try {
                return app.logCount(reason) > reasonsBefore;
            } catch (java.io.IOException e) {
                return false;
            }
        }, 30, what + ": '" + reason + "'");
        assertEquals(serving, app.currentPid(), what + ": the same generation still owns the pid file");
        assertTrue(app.get("/").contains("pid " + serving), what + ": the same generation still serves");
        assertTrue(app.logText().contains("upgrade refused") || app.logText().contains("upgrade failed"), app.tail());
        long before = load.ok();
        app.await(() -> load.ok() > before + 50, 30, what + ": load still served");

        Files.copy(good, app.dir.resolve("incoming.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(app.dir.resolve("incoming.tmp"), app.jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long next = app.upgrade();
        app.awaitGone(serving, 40);
        assertTrue(next != serving, what + ": the good release took over");
        assertEquals(0, load.failed(), what + ": " + load.summary());
    }
}
