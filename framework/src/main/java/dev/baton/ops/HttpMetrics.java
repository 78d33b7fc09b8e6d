package dev.baton.ops;

import io.undertow.server.ExchangeCompletionListener;
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

    /**
     * Written out rather than a record's: a record's {@code hashCode} and {@code equals} are bootstrapped on their
     * first call (method handles spun through {@code ObjectMethods}), 15 ms of the first request's IO thread.
     */
    private static final class Key {
        final String method;
        final String uri;
        final int status;

        Key(String method, String uri, int status) {
            this.method = method;
            this.uri = uri;
            this.status = status;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && status == key.status && method.equals(key.method) && uri.equals(key.uri);
        }

        @Override
        public int hashCode() {
            return (method.hashCode() * 31 + uri.hashCode()) * 31 + status;
        }
    }

    public HttpMetrics(HttpHandler next, Totals totals) {
        this.next = next;
        this.totals = totals;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addExchangeCompleteListener(new Timed(System.nanoTime()));
        next.handleRequest(exchange);
    }

    /** Records an exchange once complete; a class rather than a lambda, not linked on the first request's thread. */
    private final class Timed implements ExchangeCompletionListener {
        private final long start;

        Timed(long start) {
            this.start = start;
        }

        @Override
        public void exchangeEvent(HttpServerExchange done, NextListener nextListener) {
            try {
                int status = done.getStatusCode();
                series(new Key(method(done.getRequestMethod().toString()), uri(done, status), status))
                        .record(System.nanoTime() - start);
            } finally {
                nextListener.proceed();
            }
        }
    }

    private Totals.Series series(Key key) {
        Totals.Series known = series.get(key);
        if (known != null) {
            return known;
        }
        // Totals makes a series once, so a request racing this one for the same key gets the same.
        Totals.Series made = totals.timer(REQUESTS, "method", key.method, "uri", key.uri, "status",
                Integer.toString(key.status), "outcome", outcome(key.status));
        series.putIfAbsent(key, made);
        return made;
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
