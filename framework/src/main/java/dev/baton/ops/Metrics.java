package dev.baton.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Baton's meters in Micrometer: the {@link Totals} a service carries across generations, as function counters and
 * timers, and this generation's gauges. They are bound to the app's own registry, if it brings one, at start, and
 * to a Prometheus registry of Baton's at the first scrape of {@code <opsPath>/metrics} (with the JVM's meters), so
 * that a service nobody scrapes never loads one.
 */
public final class Metrics {

    private final Totals totals;
    private final Generation generation;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** What {@code /metrics} shows: the app's, when it brought a Prometheus registry; else Baton's, once scraped. */
    private PrometheusMeterRegistry prometheus;

    public Metrics(Totals totals, Generation generation, MeterRegistry appRegistry) {
        this.totals = totals;
        this.generation = generation;
        if (appRegistry != null) {
            prometheus = prometheusIn(appRegistry);
            bind(appRegistry);
        }
    }

    /** The Prometheus text format of every meter {@code /metrics} shows. */
    public synchronized String scrape() {
        if (prometheus == null) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(prometheus);
            new JvmGcMetrics().bindTo(prometheus);
            new JvmThreadMetrics().bindTo(prometheus);
            new ClassLoaderMetrics().bindTo(prometheus);
            new ProcessorMetrics().bindTo(prometheus);
            new UptimeMetrics().bindTo(prometheus);
            bind(prometheus);
        }
        return prometheus.scrape();
    }

    private void bind(MeterRegistry registry) {
        Gauge.builder("baton.generation", generation, Generation::generation)
                .description("The generation serving: 1 for the first process, one more for each upgrade since")
                .register(registry);
        Gauge.builder("baton.exchanges.active", generation, Generation::exchanges)
                .description("Exchanges in flight in this generation").register(registry);
        Gauge.builder("baton.connections.open", generation, Generation::connections)
                .description("Open client connections of this generation").register(registry);
        registries.add(registry);
        totals.forEachSeries(this::register);
    }

    private void register(Totals.Series series) {
        Tags tags = Tags.of(series.tags().toArray(new String[0]));
        for (MeterRegistry registry : registries) {
            if (series.timed()) {
                FunctionTimer.builder(series.name(), series, s -> (long) s.count(), Totals.Series::totalSeconds,
                        TimeUnit.SECONDS).tags(tags).description(description(series.name())).register(registry);
            } else {
                FunctionCounter.builder(series.name(), series, Totals.Series::count).tags(tags)
                        .description(description(series.name())).register(registry);
            }
        }
    }

    private static String description(String name) {
        return switch (name) {
            case HttpMetrics.REQUESTS -> "HTTP requests by route pattern, method and status, since the service started";
            case Totals.UPGRADES -> "Upgrades by result: ok, failed (the old generation kept serving), rolled back";
            case Totals.HAND_OFF -> "Hand-offs, from the signal to the new generation taking over";
            case Totals.DRAIN -> "Drains of a generation, from its last accept to its last exchange";
            case Totals.DRAIN_CUT -> "Exchanges cut by the drain deadline";
            default -> null;
        };
    }

    private static PrometheusMeterRegistry prometheusIn(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry found) {
            return found;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry member : composite.getRegistries()) {
                PrometheusMeterRegistry found = prometheusIn(member);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
