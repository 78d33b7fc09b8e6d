package dev.baton.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the chat page does, in Java: reconnects after every close (soon after 1012) with the last id it saw, and
 * sends again what was never acknowledged. Records everything it got, so that a test can check it.
 */
final class ChatClient implements WebSocket.Listener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String name;
    private final int port;
    private final StringBuilder partial = new StringBuilder();
    /** Sent and not acknowledged yet, by cid. */
    final Map<String, String> pending = new LinkedHashMap<>();
    final List<Long> received = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();
    final List<Long> pids = new ArrayList<>();
    private WebSocket socket;
    private long lastId;
    private int sent;
    private volatile boolean stopped;

    ChatClient(HttpClient http, String name, int port) {
        this.http = http;
        this.name = name;
        this.port = port;
    }

    void connect() {
        long since;
        synchronized (this) {
            since = lastId;
        }
        http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/it?since=" + since), this)
                .whenComplete((opened, failed) -> {
                    if (failed != null) {
                        synchronized (this) {
                            closes.add(-1);
                        }
                        reconnectSoon(500);
                    }
                });
    }

    @Override
    public synchronized void onOpen(WebSocket webSocket) {
        socket = webSocket;
        for (String message : pending.values()) {
            webSocket.sendText(message, true).join();
        }
        webSocket.request(1);
    }

    synchronized void send() {
        String cid = name + "-" + sent++;
        String message = json(Map.of("cid", cid, "user", name, "text", "message " + cid));
        pending.put(cid, message);
        if (socket != null && !socket.isOutputClosed()) {
            try {
                socket.sendText(message, true).get(5, TimeUnit.SECONDS);
            } catch (Exception closedMeanwhile) {
                // sent again once reconnected
            }
        }
    }

    synchronized int sent() {
        return sent;
    }

    synchronized long lastId() {
        return lastId;
    }

    synchronized long lastPid() {
        return pids.isEmpty() ? -1 : pids.get(pids.size() - 1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode message = read(partial.toString());
            partial.setLength(0);
            synchronized (this) {
                switch (message.path("type").asText()) {
                    case "hello" -> pids.add(message.get("pid").asLong());
                    case "message" -> {
                        long id = message.get("id").asLong();
                        received.add(id);
                        lastId = Math.max(lastId, id);
                    }
                    case "ack" -> pending.remove(message.get("cid").asText());
                    default -> { }
                }
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        synchronized (this) {
            if (!stopped) { // the answer to its own goodbye is not a close the server chose
                closes.add(statusCode);
            }
            socket = null;
        }
        reconnectSoon(statusCode == 1012 ? 50 : 500);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        synchronized (this) {
            closes.add(-1);
            socket = null;
        }
        reconnectSoon(500);
    }

    private void reconnectSoon(long millis) {
        if (!stopped) {
            CompletableFuture.delayedExecutor(millis + ThreadLocalRandom.current().nextLong(200), TimeUnit.MILLISECONDS)
                    .execute(this::connect);
        }
    }

    void stop() {
        stopped = true;
        WebSocket open;
        synchronized (this) {
            open = socket;
        }
        if (open != null) {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
