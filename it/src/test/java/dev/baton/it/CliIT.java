package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code baton} command as an operator runs it: {@code java -cp app.jar dev.baton.ops.Cli ...}, a JVM of its own
 * that finds the service by its pid file and its settings, signals it, and exits 0 or 1 with Baton's reason.
 */
class CliIT {

    @Test
    void upgradeStatusAndStop() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            // found the way the app finds its settings: the service's environment
            Map<String, String> env = Map.of("BATON_PID_FILE", app.pidFile.toString(), "BATON_HOST", "127.0.0.1",
                    "BATON_PORT", Integer.toString(app.port()), "BATON_PROBATION", "1s");
            Result status = cli(app, env, "status");
            assertEquals(0, status.exit, status.output);
            assertTrue(status.output.startsWith("gen 1 pid " + gen1 + " serving since "), status.output);
            assertTrue(status.output.contains("listener 127.0.0.1:" + app.port() + " (bound)"), status.output);
            assertTrue(status.output.contains("no upgrade yet"), status.output);

            Result upgrade = cli(app, env, "upgrade", "--timeout", "40s");
            assertEquals(0, upgrade.exit, upgrade.output + "\n--- log:\n" + app.tail());
            long gen2 = app.awaitNewPid(gen1, 1);
            assertTrue(upgrade.output.contains("baton: gen 1 pid " + gen1 + ": SIGUSR2 sent"), upgrade.output);
            assertTrue(upgrade.output.contains("baton: gen 2 pid " + gen2 + " serves (hand-off "), upgrade.output);
            assertTrue(upgrade.output.contains("baton: gen 1 pid " + gen1 + " has left: gen 2 pid " + gen2
                    + " passed probation"), upgrade.output);
            assertFalse(Deployment.alive(gen1), "the old generation left before the command said so");
            assertTrue(app.get("/").contains("gen 2 pid " + gen2));

            // --url and --pid-file instead of the settings; the JSON as /status has it
            Result json = cli(app, Map.of(), "status", "--json", "--pid-file", app.pidFile.toString(),
                    "--url", "http://127.0.0.1:" + app.port() + "/baton");
            assertEquals(0, json.exit, json.output);
            assertTrue(json.output.startsWith("{\"generation\":2,\"pid\":" + gen2 + ",\"state\":\"serving\""), json.output);
            assertTrue(json.output.contains("\"result\":\"ok\""), json.output);
            Result after = cli(app, env, "status");
            assertTrue(after.output.contains("last upgrade: gen 1 -> 2 ok at "), after.output);

            Result stop = cli(app, env, "stop");
            assertEquals(0, stop.exit, stop.output + "\n--- log:\n" + app.tail());
            assertTrue(stop.output.contains("baton: pid " + gen2 + " has exited after "), stop.output);
            assertFalse(Deployment.alive(gen2));
            app.awaitGone(gen1, 5);
            assertFalse(Files.exists(app.pidFile), "the final stop removed the pid file");
            assertFalse(processesIn(app.dir), "no process of the deployment is left");

            Result stopped = cli(app, env, "status");
            assertEquals(1, stopped.exit, stopped.output);
            assertTrue(stopped.output.contains("baton: not running: " + app.pidFile), stopped.output);
        }
    }

    @Test
    void upgradeToABrokenReleaseExitsOneWithBatonsReason() throws Exception {
        try (Deployment app = new Deployment().start()) {
            long gen1 = app.currentPid();
            Jars.withMainClass(Deployment.TEST_APP, app.jar, "dev.baton.it.TestApp$MainThrows");
            Result upgrade = cli(app, Map.of(), "upgrade", "--pid-file", app.pidFile.toString(),
                    "--url", "http://127.0.0.1:" + app.port() + "/baton", "--timeout", "40s");
            assertEquals(1, upgrade.exit, upgrade.output + "\n--- log:\n" + app.tail());
            assertTrue(upgrade.output.contains("baton: upgrade failed: gen 2 pid "), upgrade.output);
            assertTrue(upgrade.output.contains("broken on purpose"), upgrade.output);
            assertTrue(upgrade.output.contains("; gen 1 pid " + gen1 + " keeps serving"), upgrade.output);
            assertTrue(app.logText().contains("upgrade failed: "), app.tail());
            assertEquals(gen1, app.currentPid());
            assertTrue(app.get("/").contains("gen 1 pid " + gen1));

            // Not a jar at all: Baton refuses it before starting anything
            Files.writeString(app.dir.resolve("broken.jar"), "not a jar");
            Files.move(app.dir.resolve("broken.jar"), app.jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Result refused = cli(app, Map.of("BATON_PORT", Integer.toString(app.port())), "upgrade",
                    "--pid-file", app.pidFile.toString(), "--timeout", "20s");
            assertEquals(1, refused.exit, refused.output);
            assertTrue(refused.output.contains("baton: upgrade failed: refused app.jar: not a jar"), refused.output);
            assertEquals(gen1, app.currentPid());
        }
    }

    @Test
    void withoutOpsEndpointsItGoesByThePidFileAndTheProcesses() throws Exception {
        try (Deployment app = new Deployment().start("-Dbaton.opsPath=off")) {
            long gen1 = app.currentPid();
            Map<String, String> env = Map.of("BATON_PID_FILE", app.pidFile.toString(), "BATON_OPS_PATH", "off");
            Result status = cli(app, env, "status");
            assertEquals(0, status.exit, status.output);
            assertTrue(status.output.contains("pid " + gen1 + " serves (" + app.pidFile + "); no status: baton.opsPath is off"),
                    status.output);
            Jars.withMainClass(Deployment.TEST_APP, app.jar, "dev.baton.it.TestApp$MainThrows");
            Result failed = cli(app, env, "upgrade", "--timeout", "40s");
            assertEquals(1, failed.exit, failed.output + "\n--- log:\n" + app.tail());
            assertTrue(failed.output.contains("the reason is in the app's log"), failed.output);
            assertEquals(gen1, app.currentPid());
            Files.copy(Deployment.TEST_APP, app.dir.resolve("good.jar"));
            Files.move(app.dir.resolve("good.jar"), app.jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Result upgrade = cli(app, env, "upgrade", "--no-wait-probation", "--timeout", "40s");
            assertEquals(0, upgrade.exit, upgrade.output + "\n--- log:\n" + app.tail());
            long gen2 = app.awaitNewPid(gen1, 1);
            assertTrue(upgrade.output.contains("baton: pid " + gen2 + " serves"), upgrade.output);
            assertFalse(upgrade.output.contains("has left"), upgrade.output);
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        try (Deployment app = new Deployment()) {
            assertEquals(2, cli(app, Map.of(), "restart").exit);
            assertEquals(2, cli(app, Map.of(), "upgrade", "--timeout", "soon").exit);
            Result noPidFile = cli(app, Map.of(), "stop");
            assertEquals(2, noPidFile.exit, noPidFile.output);
            assertTrue(noPidFile.output.contains("no pid file"), noPidFile.output);
            Result badSetting = cli(app, Map.of("BATON_PORTT", "1"), "status");
            assertEquals(2, badSetting.exit, badSetting.output);
            assertTrue(badSetting.output.contains("BATON_PORTT"), badSetting.output);
        }
    }

    // ---- helpers

    record Result(int exit, String output) {}

    /** The command in a JVM of its own, with {@code env} as its only Baton settings; stdout and stderr together. */
    private static Result cli(Deployment app, Map<String, String> env, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(app.java().toString(), "-XX:TieredStopAtLevel=1", "-cp",
                Deployment.TEST_APP.toAbsolutePath().toString(), "dev.baton.ops.Cli"));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("baton-cli-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(app.dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("BATON_"));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("baton " + String.join(" ", arguments) + " did not end in 60 s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Whether any process runs in {@code dir} (every generation of a deployment does). */
    private static boolean processesIn(Path dir) {
        return ProcessHandle.allProcesses().anyMatch(process -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/cwd")).equals(dir.toRealPath())
                        && Deployment.alive(process.pid());
            } catch (Exception e) {
                return false;
            }
        });
    }
}
