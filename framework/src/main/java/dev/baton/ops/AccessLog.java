package dev.baton.ops;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written once the response is complete, on its own logger ({@code baton.access}) so that
 * a logging configuration can route it apart: method, canonical path and query, status, bytes sent, milliseconds,
 * and the generation that answered, which tells the requests of an upgrade apart. Every request is logged,
 * including those the operator's endpoints and the app's filters answered.
 */
public final class AccessLog implements HttpHandler {

    static final Logger LOG = LoggerFactory.getLogger("baton.access");

    private final HttpHandler next;
    private final int generation;

    public AccessLog(HttpHandler next, int generation) {
        this.next = next;
        this.generation = generation;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            try {
                String query = done.getQueryString();
                LOG.info("{} {}{} {} {} {} ms gen={}", done.getRequestMethod(), done.getRequestPath(),
                        query.isEmpty() ? "" : "?" + query, done.getStatusCode(), done.getResponseBytesSent(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), generation);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }
}
