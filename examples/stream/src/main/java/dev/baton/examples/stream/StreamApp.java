package dev.baton.examples.stream;

import dev.baton.Baton;
import dev.baton.SseClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A clock over server-sent events that goes on through upgrades. Tick N is the N-th second of the Unix epoch and
 * its event id, so every generation counts the same ticks: a client that reconnects with {@code Last-Event-ID}
 * is caught up from the tick after it, by whichever generation it reaches, with no gap and no repeat.
 */
public final class StreamApp {

    /** How far back a reconnecting client is caught up; one away longer starts again from the current tick. */
    static final long MAX_BACKLOG = 300;
    /** The delay a client waits before reconnecting when a stream ends for no reason it was told. */
    static final Duration RETRY = Duration.ofSeconds(3);
    /** The delay at an upgrade: short, as the next generation is serving already. */
    static final Duration RECONNECT = Duration.ofMillis(250);

    static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <title>Baton clock</title>
            <h1 id="clock">…</h1>
            <p id="status">connecting</p>
            <script>
              const clock = document.getElementById('clock'), status = document.getElementById('status');
              const source = new EventSource('/clock');
              source.onopen = () => status.textContent = 'connected';
              source.onmessage = event => {
                const tick = JSON.parse(event.data);
                clock.textContent = tick.time + ' (tick ' + tick.tick + ', gen ' + tick.gen + ')';
              };
              source.addEventListener('reconnect', event =>
                  status.textContent = 'gen ' + JSON.parse(event.data).gen + ' handed over: reconnecting');
              source.onerror = () => status.textContent = 'reconnecting';
            </script>
            """;

    /** One client and the next tick it is due. Ticks go out once each and in order, whichever thread sends them. */
    static final class Subscriber {
        private final SseClient client;
        private long next;

        Subscriber(SseClient client, long next) {
            this.client = client;
            this.next = next;
        }

        synchronized void catchUp(long now, int generation) {
            for (; next <= now; next++) {
                client.send(Long.toString(next), null,
                        "{\"tick\":" + next + ",\"time\":\"" + Instant.ofEpochSecond(next) + "\",\"gen\":" + generation + "}");
            }
        }

        // tag::send-away[]
        /** Under the same lock as {@link #catchUp}: no tick can slip in between the reconnect event and the end. */
        synchronized void sendAway(int generation) {
            client.retry(RECONNECT);
            client.send("reconnect", "{\"gen\":" + generation + "}");
            client.close();
        }
        // end::send-away[]
    }

    public static void main(String[] args) {
        // tag::sse[]
        Baton app = Baton.create();
        Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
        app.get("/", ctx -> ctx.html(PAGE));
        app.sse("/clock", client -> {
            long now = currentTick();
            Subscriber subscriber = new Subscriber(client, firstTick(client.lastEventId(), now));
            client.retry(RETRY); // undoes the short delay the previous generation set when it sent the client away
            subscribers.add(subscriber);
            client.onClose(() -> subscribers.remove(subscriber));
            subscriber.catchUp(now, app.generation());
        });
        app.onDrain(() -> subscribers.forEach(subscriber -> subscriber.sendAway(app.generation())));
        app.start();
        // end::sse[]

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "clock");
            thread.setDaemon(true);
            return thread;
        });
        scheduleTicks(timer, () -> {
            long now = currentTick();
            subscribers.forEach(subscriber -> subscriber.catchUp(now, app.generation()));
        });
    }

    /** Runs {@code tick} just after each second of the wall clock begins. */
    private static void scheduleTicks(ScheduledExecutorService timer, Runnable tick) {
        long untilNextSecond = 1000 - System.currentTimeMillis() % 1000;
        timer.schedule(() -> {
            scheduleTicks(timer, tick); // first, so that a failing tick does not stop the clock
            tick.run();
        }, untilNextSecond + 1, TimeUnit.MILLISECONDS);
    }

    static long currentTick() {
        return System.currentTimeMillis() / 1000;
    }

    /** The tick after the one the client saw last, if that is recent; otherwise the current one. */
    static long firstTick(String lastEventId, long now) {
        try {
            long last = Long.parseLong(lastEventId);
            return last >= now - MAX_BACKLOG && last <= now ? last + 1 : now;
        } catch (NumberFormatException e) {
            return now; // a first connection (no Last-Event-ID) or an id that is not ours
        }
    }
}
