package dev.baton.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The app's own readiness checks (a database ping, a cache warmed), each bounded in time. A probe comes every few
 * seconds and a check can hang (a database that stopped answering): a check still running from an earlier probe
 * is not started again, it counts as not ready until it returns, so hung checks never pile up threads.
 */
public final class Readiness {

    /** One check: true when ready; false or an exception when not (its message is shown). */
    @FunctionalInterface
    public interface Check {
        boolean ready() throws Exception;
    }

    private final Map<String, Check> checks;
    private final Duration timeout;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    private record Running(CompletableFuture<String> result, long since) {}

    public Readiness(Map<String, Check> checks, Duration timeout) {
        this.checks = Map.copyOf(checks);
        this.timeout = timeout;
    }

    public boolean isEmpty() {
        return checks.isEmpty();
    }

    /**
     * Runs every check on {@code executor}, all at once, and waits for them up to the timeout: each check's
     * verdict, {@code ok} or why not, in name order.
     */
    public Map<String, String> run(Executor executor) {
        Map<String, CompletableFuture<String>> started = new LinkedHashMap<>();
        checks.keySet().stream().sorted().forEach(name -> started.put(name, start(name, executor)));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> verdicts = new LinkedHashMap<>();
        started.forEach((name, result) -> verdicts.put(name, await(name, result, deadline)));
        return verdicts;
    }

    private CompletableFuture<String> start(String name, Executor executor) {
        Running earlier = running.get(name);
        if (earlier != null && !earlier.result().isDone()) {
            return earlier.result();
        }
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> verdict(checks.get(name)), executor);
        running.put(name, new Running(result, System.nanoTime()));
        return result;
    }

    private static String verdict(Check check) {
        try {
            return check.ready() ? "ok" : "not ready";
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private String await(String name, CompletableFuture<String> result, long deadline) {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - running.get(name).since());
            return "no answer after " + since + " ms";
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
