package dev.baton.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal client of the Chrome DevTools Protocol over the JDK's WebSocket: commands with their answers, and
 * every event handed to one consumer (on the WebSocket's thread).
 */
public final class Cdp implements WebSocket.Listener, AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder message = new StringBuilder();
    private final Consumer<JsonNode> events;
    private WebSocket socket;

    private Cdp(Consumer<JsonNode> events) {
        this.events = events;
    }

    public static Cdp connect(URI webSocket, Consumer<JsonNode> events) throws Exception {
        Cdp cdp = new Cdp(events);
        cdp.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(webSocket, cdp)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return cdp;
    }

    /** Sends a command and waits for its result; a protocol error is an exception. */
    public JsonNode send(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode command = json.createObjectNode().put("id", id).put("method", method);
        command.set("params", json.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (this) {
                socket.sendText(json.writeValueAsString(command), true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            JsonNode response = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (response.has("error")) {
                throw new IllegalStateException(method + " failed: " + response.get("error"));
            }
            return response.path("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + ": no answer from Chromium within " + TIMEOUT_SECONDS + " s", e);
        } finally {
            pending.remove(id);
        }
    }

    public JsonNode send(String method) {
        return send(method, Map.of());
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        message.append(data);
        if (last) {
            String text = message.toString();
            message.setLength(0);
            try {
                JsonNode node = json.readTree(text);
                if (node.has("id")) {
                    CompletableFuture<JsonNode> answer = pending.get(node.get("id").asInt());
                    if (answer != null) {
                        answer.complete(node);
                    }
                } else {
                    events.accept(node);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("[cdp] unreadable DevTools message: " + e);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        pending.values().forEach(answer -> answer.completeExceptionally(error));
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
