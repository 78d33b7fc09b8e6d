package dev.baton.ops;

import dev.baton.json.JsonMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The operator's endpoints, ahead of the app's routes and filters: {@code <prefix>/health/live},
 * {@code <prefix>/health/ready}, {@code <prefix>/status} and {@code <prefix>/metrics}. Liveness and readiness answer on the IO thread that
 * read the probe, unless the app has readiness checks of its own (they may block, so they run elsewhere).
 * Readiness is 503 from the moment this generation stops taking new connections (it hands over, drains, parks or
 * stops), so that a load balancer takes it out before it goes; the answer says why.
 */
public final class OpsHandler implements HttpHandler {

    private final HttpHandler app;
    private final String prefix;
    private final Generation generation;
    private final Readiness readiness;
    private final JsonMapper json;
    /** Null when {@code baton.metrics} is off: {@code /metrics} is then a 404 like any unknown endpoint. */
    private final Metrics metrics;

    public OpsHandler(HttpHandler app, String prefix, Generation generation, Readiness readiness, JsonMapper json,
            Metrics metrics) {
        this.app = app;
        this.prefix = prefix;
        this.generation = generation;
        this.readiness = readiness;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        if (!path.startsWith(prefix) || path.length() == prefix.length() || path.charAt(prefix.length()) != '/') {
            app.handleRequest(exchange);
            return;
        }
        String endpoint = path.substring(prefix.length());
        if (!endpoint.equals("/health/live") && !endpoint.equals("/health/ready") && !endpoint.equals("/status")
                && !(endpoint.equals("/metrics") && metrics != null)) {
            send(exchange, 404, Map.of("error", "no such endpoint: " + path));
            return;
        }
        exchange.putAttachment(HttpMetrics.ROUTE, path);
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            send(exchange, 405, Map.of("error", "GET or HEAD only"));
            return;
        }
        switch (endpoint) {
            case "/health/live" -> send(exchange, 200, Map.of("status", "live", "generation", generation.generation(), "pid", generation.pid()));
            case "/health/ready" -> {
                if (!generation.serving() || readiness.isEmpty()) {
                    ready(exchange, Map.of());
                } else {
                    Executor checks = exchange.getDispatchExecutor() != null ? exchange.getDispatchExecutor()
                            : exchange.getConnection().getWorker();
                    exchange.dispatch(checks, () -> ready(exchange, readiness.run(checks)));
                }
            }
            case "/metrics" -> exchange.dispatch(() -> { // a scrape formats every meter: not on the IO thread
                byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
                exchange.getResponseSender().send(ByteBuffer.wrap(text));
            });
            default -> send(exchange, 200, status(generation));
        }
    }

    private void ready(HttpServerExchange exchange, Map<String, String> checks) {
        boolean serving = generation.serving(); // read once: the answer's verdict and its status agree
        boolean ready = serving && checks.values().stream().allMatch("ok"::equals);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : serving ? "not ready" : generation.state());
        body.put("generation", generation.generation());
        body.put("pid", generation.pid());
        if (!checks.isEmpty()) {
            body.put("checks", checks);
        }
        send(exchange, ready ? 200 : 503, body);
    }

    private static Map<String, Object> status(Generation gen) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("generation", gen.generation());
        status.put("pid", gen.pid());
        status.put("state", gen.state());
        status.put("started", gen.started().toString());
        status.put("uptimeMillis", Duration.between(gen.started(), Instant.now()).toMillis());
        status.put("listener", gen.listener());
        status.put("exchanges", gen.exchanges());
        status.put("connections", gen.connections());
        Generation.UpgradeRecord last = gen.lastUpgrade();
        if (last != null) {
            Map<String, Object> upgrade = new LinkedHashMap<>();
            upgrade.put("at", last.at().toString());
            upgrade.put("from", last.fromGeneration());
            upgrade.put("to", last.toGeneration());
            upgrade.put("result", last.result());
            upgrade.put("handOffMillis", last.handOffMillis());
            if (last.reason() != null) {
                upgrade.put("reason", last.reason());
            }
            status.put("lastUpgrade", upgrade);
        } else {
            status.put("lastUpgrade", null);
        }
        return status;
    }

    private void send(HttpServerExchange exchange, int code, Map<String, ?> body) {
        exchange.setStatusCode(code);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(ByteBuffer.wrap(json.write(body)));
    }
}
