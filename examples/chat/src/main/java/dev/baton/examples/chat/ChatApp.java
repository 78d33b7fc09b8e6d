package dev.baton.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.Baton;
import dev.baton.ws.WsConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A chat over WebSockets that goes on through upgrades. Messages are stored in a file all generations share
 * ({@link MessageLog}), numbered; a client reconnects with the last id it saw and is caught up from there, by
 * whichever generation it reaches. On an upgrade each socket gets a {@code reconnect} message and then the close
 * code 1012 (Service Restart), at its own moment within {@code baton.wsCloseSpread}; the page reconnects at once,
 * to the new generation, and sends again what it sent that was never acknowledged (stored once, by its own id).
 */
public final class ChatApp {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer messages are refused, not cut. */
    static final int MAX_TEXT = 1000;

    public static void main(String[] args) throws IOException {
        MessageLog log = new MessageLog(Path.of(System.getProperty("chat.log", "chat.log")));
        String page = resource("/chat.html");
        // tag::chat[]
        Baton app = Baton.create();
        Map<String, Set<Member>> rooms = new ConcurrentHashMap<>();
        app.get("/", ctx -> ctx.html(page));
        app.ws("/chat/{room}", ws -> {
            ws.onConnect(socket -> {
                Member member = new Member(socket, socket.pathParam("room"), sinceParam(socket.queryParam("since")));
                socket.attribute("member", member);
                rooms.computeIfAbsent(member.room, room -> ConcurrentHashMap.newKeySet()).add(member);
                socket.send(json(Map.of("type", "hello", "gen", app.generation(), "pid", ProcessHandle.current().pid())));
                log.refresh();
                member.deliver(log); // what it missed since the last id it saw
            });
            ws.onMessage((socket, text) -> {
                Member member = socket.attribute("member");
                JsonNode sent = JSON.readTree(text);
                String cid = sent.path("cid").asText("");
                String body = sent.path("text").asText("");
                if (cid.isEmpty() || body.isBlank() || body.length() > MAX_TEXT) {
                    socket.send(json(Map.of("type", "refused", "cid", cid, "why", "a message is 1 to " + MAX_TEXT + " characters")));
                    return;
                }
                MessageLog.Message stored = log.append(member.room, sent.path("user").asText("anonymous"), body, cid);
                socket.send(json(Map.of("type", "ack", "cid", cid, "id", stored.id())));
                deliverAll(rooms.get(member.room), log);
            });
            ws.onClose((socket, code, reason) -> {
                Member member = socket.attribute("member");
                if (member != null) {
                    rooms.getOrDefault(member.room, Set.of()).remove(member);
                }
            });
            // Just before this socket's 1012: the page reconnects at once instead of backing off.
            ws.onDrain(socket -> socket.send(json(Map.of("type", "reconnect", "gen", app.generation()))));
        });
        // end::chat[]
        // Messages the other generation stored during a hand-off reach this one's sockets too.
        ScheduledExecutorService tail = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chat-tail");
            thread.setDaemon(true);
            return thread;
        });
        tail.scheduleWithFixedDelay(() -> rooms.values().forEach(members -> deliverAll(members, log)),
                250, 250, TimeUnit.MILLISECONDS);
        app.start();
    }

    /** One open socket in a room, and the id of the last message it was sent: each goes out once, in order. */
    static final class Member {
        private final WsConnection socket;
        private final String room;
        private long lastSent;

        Member(WsConnection socket, String room, long since) {
            this.socket = socket;
            this.room = room;
            this.lastSent = since;
        }

        synchronized void deliver(MessageLog log) {
            for (MessageLog.Message message : log.after(room, lastSent)) {
                if (!socket.isOpen()) {
                    return;
                }
                socket.send(json(Map.of("type", "message", "id", message.id(), "user", message.user(),
                        "text", message.text(), "cid", message.cid())));
                lastSent = message.id();
            }
        }
    }

    /** Reads the log once, then sends each member what it has not had yet. */
    private static void deliverAll(Set<Member> members, MessageLog log) {
        if (members != null && !members.isEmpty()) {
            log.refresh();
            for (Member member : members) {
                member.deliver(log);
            }
        }
    }

    private static long sinceParam(String since) {
        try {
            return since == null ? 0 : Math.max(0, Long.parseLong(since));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ChatApp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
