package dev.baton.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The chat jar through two upgrades under 20 clients that each send a message every 100 ms, and reconnect as the
 * page does: every client ends on the newest generation with every message of the room, each once and in order
 * (ids 1..N without a gap), and every message it sent stored once and acknowledged.
 */
class ChatUpgradeIT {

    private static final int CLIENTS = 20;

    @Test
    void everyMessageReachesEveryClientOnceThroughTwoUpgrades() throws Exception {
        try (RunningChat chat = new RunningChat()) {
            HttpClient http = HttpClient.newHttpClient();
            List<ChatClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                ChatClient client = new ChatClient(http, "c" + i, chat.port);
                clients.add(client);
                client.connect();
            }
            long gen1 = chat.pid();
            chat.await(() -> clients.stream().allMatch(client -> client.lastPid() == gen1), "every client on gen 1");

            AtomicBoolean sending = new AtomicBoolean(true);
            Thread senders = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (sending.get() && System.nanoTime() < end) {
                    clients.forEach(ChatClient::send);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "chat senders");
            senders.start();
            long last = gen1;
            try {
                for (int i = 0; i < 2; i++) {
                    Thread.sleep(1000);
                    long previous = last;
                    last = chat.upgrade();
                    long next = last;
                    chat.await(() -> clients.stream().allMatch(client -> client.lastPid() == next), "every client on pid " + next);
                    chat.awaitGone(previous);
                }
                Thread.sleep(1000);
            } finally {
                sending.set(false);
                senders.join(10_000);
            }

            chat.await(() -> clients.stream().allMatch(client -> client.pending.isEmpty()), "every message acknowledged");
            long total = clients.stream().mapToLong(ChatClient::sent).sum();
            chat.await(() -> clients.stream().allMatch(client -> client.lastId() == total), "every client caught up to " + total);
            clients.forEach(ChatClient::stop);

            List<Long> all = LongStream.rangeClosed(1, total).boxed().toList();
            int moved = 0;
            for (ChatClient client : clients) {
                synchronized (client) {
                    assertEquals(all, client.received, "each message once, in order, no gap");
                    assertEquals(3, client.pids.size(), "connected to gen 1, 2 and 3 once each: " + client.pids);
                    assertTrue(client.closes.stream().allMatch(code -> code == 1012), "closed by upgrades only: " + client.closes);
                    moved += client.closes.size();
                }
            }
            System.out.println("ChatUpgradeIT: " + CLIENTS + " clients, " + total + " messages, each stored once and"
                    + " received by every client; " + moved + " sockets moved on 1012");
            String log = chat.logText();
            assertTrue(log.contains("gen=2 pid=") && log.contains("gen=3 pid="), log);
        }
    }
}
