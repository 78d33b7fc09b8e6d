package dev.baton.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * WebSockets across a real upgrade, judged by Node's {@code ws} client (src/test/node/ws-upgrade.cjs), which never
 * reconnects or retries on its own: every socket gets 1012 within the spread, reconnects by hand, lands on the new
 * generation, and no message is lost without its client knowing.
 */
class WebSocketIT {

    private static final int SOCKETS = 200;
    private static final int SPREAD_MILLIS = 3000;
    private static final Path CLIENT = Path.of("target/ws-client");

    @Test
    void twoHundredSocketsFollowAnUpgradeToTheNewGeneration() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm (and node) are not installed: WebSocketIT needs Node's ws client");
        installWs();
        try (Deployment app = new Deployment().start("-Dbaton.wsCloseSpread=" + SPREAD_MILLIS + "ms")) {
            long old = app.currentPid();
            Process node = new ProcessBuilder("node", "ws-upgrade.cjs", Integer.toString(app.port()),
                    Integer.toString(SOCKETS)).directory(CLIENT.toFile()).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            }, "node output");
            reader.setDaemon(true);
            reader.start();
            try {
                assertEquals("READY " + old, next(lines, "READY", 60), app.tail());
                Thread.sleep(1000); // messages flowing on every socket
                long next = app.upgrade();
                String result = next(lines, "RESULT", 120);
                System.out.println("WebSocketIT: " + result);
                app.awaitGone(old, 60);
                String log = app.logText();
                log.lines().filter(line -> line.contains("WebSockets") || line.contains("pid=" + old + " ")
                        && line.contains("drain")).forEach(line -> System.out.println("WebSocketIT: " + line));

                assertEquals(Integer.toString(SOCKETS), field(result, "ready"));
                assertEquals("{\"1012\":" + SOCKETS + "}", object(result, "codes"), "every socket got 1012: " + result);
                long first = Long.parseLong(field(result, "firstCloseMs"));
                long last = Long.parseLong(field(result, "lastCloseMs"));
                assertTrue(last - first <= SPREAD_MILLIS + 1500, "the 1012s came within the spread (and a margin): " + result);
                assertTrue(last - first >= SPREAD_MILLIS / 3, "the 1012s were spread, not all at once: " + result);
                assertTrue(log.contains("gen=1 pid=" + old + " draining " + SOCKETS), "the drain counted the sockets: " + app.tail());
                assertTrue(log.contains("gen=1 pid=" + old + " closing " + SOCKETS + " WebSockets with 1012 (Service Restart) over " + SPREAD_MILLIS
                        + " ms"), app.tail());

                assertEquals(Integer.toString(SOCKETS), field(result, "reconnected"), "each socket reconnected: " + result);
                assertEquals("[" + old + "]", array(result, "oldPids"));
                assertEquals("[" + next + "]", array(result, "newPids"), "every reconnection landed on the new pid");

                assertEquals("0", field(result, "silent"), "nothing lost without its client knowing: " + result);
                assertEquals("0", field(result, "answeredAfterClose"), result);
                assertEquals("0", field(result, "handledNotAnswered"), "every message the server handled was answered: "
                        + result);
                assertEquals("0", field(result, "withoutHandledReport"), "onDrain's message came before each 1012: " + result);
                assertTrue(Long.parseLong(field(result, "answered")) > SOCKETS, result);
                // The three sent on onDrain's message each time: they reach the server after its close, which leaves
                // them to the client (the server handled none of them, as handledNotAnswered shows).
                assertTrue(Long.parseLong(field(result, "rejected")) >= SOCKETS, result);
                assertTrue(node.waitFor(10, TimeUnit.SECONDS));
            } finally {
                node.destroyForcibly();
            }
        }
    }

    /** {@code npm install ws} into target/ws-client, next to a copy of the client script. */
    private static void installWs() throws Exception {
        Files.createDirectories(CLIENT);
        Files.copy(Path.of("src/test/node/ws-upgrade.cjs"), CLIENT.resolve("ws-upgrade.cjs"),
                StandardCopyOption.REPLACE_EXISTING);
        if (Files.isDirectory(CLIENT.resolve("node_modules/ws"))) {
            return;
        }
        Files.writeString(CLIENT.resolve("package.json"), "{\"name\":\"ws-client\",\"private\":true}\n");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "ws@8")
                .directory(CLIENT.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(npm.waitFor(300, TimeUnit.SECONDS), "npm install ws took over 5 minutes");
        assertEquals(0, npm.exitValue(), "npm install ws failed:\n" + output);
    }

    private static String next(BlockingQueue<String> lines, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix + " ")) {
                return prefix.equals("RESULT") ? line.substring(prefix.length() + 1) : line;
            }
            if (line != null) {
                seen.append(line).append('\n');
            }
        }
        throw new AssertionError("no " + prefix + " line from the Node client within " + seconds + " s; it said:\n" + seen);
    }

    private static String field(String json, String name) {
        Matcher value = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(value.find(), name + " in " + json);
        return value.group(1);
    }

    private static String object(String json, String name) {
        Matcher value = Pattern.compile("\"" + name + "\":(\\{[^}]*\\})").matcher(json);
        assertTrue(value.find(), name + " in " + json);
        return value.group(1);
    }

    private static String array(String json, String name) {
        Matcher value = Pattern.compile("\"" + name + "\":(\\[[^]]*\\])").matcher(json);
        assertTrue(value.find(), name + " in " + json);
        return value.group(1);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
