package dev.baton.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.tools.Cdp;
import dev.baton.tools.Chromium;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real browser (headless Chromium) through an upgrade: it sends a message every 100 ms from
 * before the SIGUSR2 until after, is closed with 1012, reconnects to the new generation, and ends with every message
 * it sent shown once, in order, acknowledged, and no error in the browser.
 */
class ChatBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thePageFollowsTheUpgradeAndLosesNoMessage() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Optional<String> executable = Chromium.findOrInstall(target.resolve("chromium-install.log"));
        Assumptions.assumeTrue(executable.isPresent(), () -> "SKIPPED the chat browser test: " + Chromium.missing());
        List<String> problems = new CopyOnWriteArrayList<>();
        try (RunningChat chat = new RunningChat();
                Chromium browser = Chromium.launch(executable.get(), target.resolve("chat-chromium.log"));
                Cdp cdp = Cdp.connect(browser.pageWebSocket(), event -> problem(event, problems))) {
            cdp.send("Runtime.enable");
            cdp.send("Log.enable");
            cdp.send("Page.navigate", Map.of("url", "http://127.0.0.1:" + chat.port + "/?room=browser&user=chromium"));
            long gen1 = chat.pid();
            chat.await(() -> evaluate(cdp, "window.chat ? chat.pid : 0").asLong() == gen1, "the page on gen 1");

            evaluate(cdp, "window.sent = 0; window.timer = setInterval(() => chat.send('b' + window.sent++), 100); true");
            Thread.sleep(1000);
            long gen2 = chat.upgrade();
            chat.await(() -> evaluate(cdp, "chat.pid").asLong() == gen2, "the page on gen 2");
            Thread.sleep(1000);
            evaluate(cdp, "clearInterval(window.timer); true");
            chat.await(() -> evaluate(cdp, "chat.pending()").asInt() == 0, "every message acknowledged");
            int sent = evaluate(cdp, "window.sent").asInt();
            chat.await(() -> evaluate(cdp, "chat.received.length").asInt() >= sent, "every message shown");

            JsonNode state = JSON.readTree(evaluate(cdp, "JSON.stringify({received: chat.received, closes: chat.closes,"
                    + " gen: chat.gen, status: document.getElementById('status').textContent,"
                    + " shown: document.querySelectorAll('#messages li:not(.pending)').length})").asText());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                expected.add("b" + i);
            }
            List<String> received = new ArrayList<>();
            state.get("received").forEach(text -> received.add(text.asText()));
            assertEquals(expected, received, "every message the page sent, once, in order");
            assertEquals(sent, state.get("shown").asInt(), state.toString());
            assertEquals("[1012]", state.get("closes").toString(), "closed once, by the upgrade");
            assertEquals(2, state.get("gen").asInt());
            assertTrue(state.get("status").asText().startsWith("connected to gen 2 (pid " + gen2 + ")"), state.toString());
            assertTrue(sent >= 15, "messages sent across the upgrade: " + sent);
            assertTrue(problems.isEmpty(), "errors in the browser: " + problems);
            System.out.println("ChatBrowserIT: Chromium sent " + sent + " messages across the upgrade, all shown once;"
                    + " closes " + state.get("closes"));
        }
    }

    private static JsonNode evaluate(Cdp cdp, String expression) {
        JsonNode result = cdp.send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Uncaught exceptions and errors the browser logs (a failed WebSocket connection is one). */
    private static void problem(JsonNode event, List<String> problems) {
        String method = event.path("method").asText();
        if (method.equals("Runtime.exceptionThrown")) {
            problems.add(event.path("params").path("exceptionDetails").toString());
        } else if (method.equals("Log.entryAdded") && event.path("params").path("entry").path("level").asText().equals("error")) {
            problems.add(event.path("params").path("entry").path("text").asText());
        } else if (method.equals("Runtime.consoleAPICalled") && event.path("params").path("type").asText().equals("error")) {
            problems.add(event.path("params").path("args").toString());
        }
    }
}
