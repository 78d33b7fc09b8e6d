package dev.baton.ops;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts and times each request once its response is complete, by method, route pattern, status and outcome
 * ({@code http_server_requests_seconds} in Prometheus, the name Spring and Micronaut use, so that existing
 * dashboards read it). The route pattern, not the path: paths are as many as clients make up.
 */
public final class HttpMetrics implements HttpHandler {

    static final String REQUESTS = "http.server.requests";
    /** The pattern of the route (or the operator's endpoint) that answered: the {@code uri} tag. */
    public static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);

    private final HttpHandler next;
    private final Totals totals;
    /** Each request's series, found without building its key: a lookup by three fields whose hashes are cached. */
    private final Map<Key, Totals.Series> series = new ConcurrentHashMap<>();

    private record Key(String method, String uri, int status) {}

    public HttpMetrics(HttpHandler next, Totals totals) {
        this.next = next;
        this.totals = totals;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                int status = done.getStatusCode();
                series.computeIfAbsent(new Key(method(done.getRequestMethod().toString()), uri(done, status), status),
                        this::series).record(System.nanoTime() - start);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private Totals.Series series(Key key) {
        return totals.timer(REQUESTS, "method", key.method(), "uri", key.uri(), "status", Integer.toString(key.status()),
                "outcome", outcome(key.status()));
    }

    /** Methods outside HTTP's own are one tag value: any token is a method, and clients may send thousands. */
    private static String method(String method) {
        return switch (method) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT" -> method;
            default -> "other";
        };
    }

    private static String uri(HttpServerExchange exchange, int status) {
        String route = exchange.getAttachment(ROUTE);
        if (route != null) {
            return route;
        }
        if (status == 404) {
            return "NOT_FOUND";
        }
        return status / 100 == 3 ? "REDIRECTION" : "UNKNOWN";
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }
}
