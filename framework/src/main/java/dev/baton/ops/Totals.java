package dev.baton.ops;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The counts a service keeps across generations: each generation counts on top of what its predecessors handed
 * over, so that a request counter or {@code baton_upgrades_total} never falls back to zero at a deploy. Plain
 * adders, not meters: counting costs no registry until something reads them ({@link Metrics} turns each series
 * into a Micrometer function counter or timer).
 *
 * <p>The hand-off sends {@link #snapshot()} to the new generation with GO, and once more when the old generation
 * has drained, for the requests it finished meanwhile; {@link #carryOver} takes the larger of what it had and what
 * it hears, so that no count ever goes down.
 */
public final class Totals {

    /** One counted series: a name, its tags, and a count with (for timers) the total time of what it counted. */
    public static final class Series {
        private final String name;
        private final boolean timed;
        private final List<String> tags;
        private final LongAdder count = new LongAdder();
        private final LongAdder nanos = new LongAdder();
        private final AtomicLong carriedCount = new AtomicLong();
        private final AtomicLong carriedNanos = new AtomicLong();

        private Series(String name, boolean timed, List<String> tags) {
            this.name = name;
            this.timed = timed;
            this.tags = tags;
        }

        public String name() {
            return name;
        }

        /** Whether this series times what it counts (a timer) or only counts it (a counter). */
        public boolean timed() {
            return timed;
        }

        /** Tag keys and values, alternating. */
        public List<String> tags() {
            return tags;
        }

        public void increment() {
            count.increment();
        }

        public void add(long amount) {
            count.add(amount);
        }

        public void record(long elapsedNanos) {
            count.increment();
            nanos.add(elapsedNanos);
        }

        public double count() {
            return carriedCount.get() + count.sum();
        }

        public double totalSeconds() {
            return (carriedNanos.get() + nanos.sum()) / 1e9;
        }

        private long countNow() {
            return carriedCount.get() + count.sum();
        }

        private long nanosNow() {
            return carriedNanos.get() + nanos.sum();
        }
    }

    static final String UPGRADES = "baton.upgrades";
    static final String HAND_OFF = "baton.handoff";
    static final String DRAIN = "baton.drain";
    static final String DRAIN_CUT = "baton.drain.cut";

    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /** An upgrade's outcome: {@code ok}, {@code failed}, {@code rolled back}. */
    public void upgraded(String result) {
        counter(UPGRADES, "result", result.replace(' ', '_')).increment();
    }

    /** A hand-off this generation took over by, from the signal to GO. */
    public void handedOff(long millis) {
        timer(HAND_OFF).record(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** A drain of this generation, and how many exchanges its deadline cut. */
    public void drained(long millis, int cut) {
        timer(DRAIN).record(TimeUnit.MILLISECONDS.toNanos(millis));
        counter(DRAIN_CUT).add(cut);
    }
    private volatile Consumer<Series> onNewSeries;

    /** A counter series, made on first use. {@code tags}: keys and values, alternating. */
    public Series counter(String name, String... tags) {
        return series(name, false, tags);
    }

    /** A timer series, made on first use. */
    public Series timer(String name, String... tags) {
        return series(name, true, tags);
    }

    private Series series(String name, boolean timed, String... tags) {
        String key = key(name, timed, tags);
        Series existing = series.get(key);
        if (existing != null) {
            return existing;
        }
        Series made = new Series(name, timed, List.of(tags));
        existing = series.putIfAbsent(key, made);
        if (existing != null) {
            return existing;
        }
        Consumer<Series> listener = onNewSeries;
        if (listener != null) {
            listener.accept(made);
        }
        return made;
    }

    /** Hands every series to {@code listener}, now and as each new one appears. */
    void forEachSeries(Consumer<Series> listener) {
        onNewSeries = listener;
        for (Series each : series.values()) {
            listener.accept(each);
        }
    }

    /** Everything counted so far, carried over included, on one line of printable ASCII without spaces. */
    public String snapshot() {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Series> entry : series.entrySet()) {
            Series each = entry.getValue();
            if (line.length() > 0) {
                line.append('&');
            }
            line.append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(each.countNow()).append(':').append(each.nanosNow());
        }
        return line.toString();
    }

    /**
     * Counts on from a predecessor's {@link #snapshot()}; what cannot be read is skipped. Returns how many series
     * it carried over.
     */
    public int carryOver(String snapshot) {
        int carried = 0;
        for (String entry : snapshot.split("&")) {
            int equals = entry.indexOf('=');
            int colon = entry.lastIndexOf(':');
            if (equals <= 0 || colon < equals) {
                continue;
            }
            List<String> parts = split(URLDecoder.decode(entry.substring(0, equals), StandardCharsets.UTF_8));
            if (parts.size() < 2 || parts.size() % 2 != 0 || !(parts.get(1).equals("c") || parts.get(1).equals("t"))) {
                continue;
            }
            try {
                long count = Long.parseLong(entry.substring(equals + 1, colon));
                long nanos = Long.parseLong(entry.substring(colon + 1));
                Series target = series(parts.get(0), parts.get(1).equals("t"),
                        parts.subList(2, parts.size()).toArray(new String[0]));
                target.carriedCount.accumulateAndGet(count, Math::max);
                target.carriedNanos.accumulateAndGet(nanos, Math::max);
                carried++;
            } catch (NumberFormatException unreadable) {
                // a series this generation cannot read is left out, not guessed
            }
        }
        return carried;
    }

    /** Name, kind and tags joined by NUL, which no name or tag holds. */
    private static String key(String name, boolean timed, String... tags) {
        StringBuilder key = new StringBuilder(name).append('\0').append(timed ? 't' : 'c');
        for (String tag : tags) {
            key.append('\0').append(tag);
        }
        return key.toString();
    }

    private static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int nul; (nul = key.indexOf('\0', from)) >= 0; from = nul + 1) {
            parts.add(key.substring(from, nul));
        }
        parts.add(key.substring(from));
        return parts;
    }
}
