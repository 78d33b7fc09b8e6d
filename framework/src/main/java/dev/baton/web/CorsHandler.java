package dev.baton.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Set;
import java.util.function.Function;

/**
 * CORS as the Fetch standard has a server answer it (§3.2), in front of the app's routes:
 * <ul>
 *   <li>A preflight (OPTIONS with {@code Origin} and {@code Access-Control-Request-Method}) from an allowed origin
 *       is answered here, 204, before any filter: a preflight carries no credentials, so an auth filter would
 *       refuse it. The methods allowed are the path's {@code Allow} set, from the router; a path with no route
 *       goes on to its 404.</li>
 *   <li>Any other request from an allowed origin gets {@code Access-Control-Allow-Origin} (the origin echoed, or
 *       {@code *} for any origin without credentials) before the app answers, errors included.</li>
 *   <li>A request from an origin not allowed goes on untouched: no CORS header, so the browser keeps the answer from
 *       the page.</li>
 * </ul>
 * Every answer carries {@code Vary: Origin} unless it is {@code *} for all: a cache must not hand one origin's answer
 * to another.
 */
public final class CorsHandler implements HttpHandler {

    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");

    private final Cors cors;
    private final Function<String, Set<String>> allowedMethods;
    private final HttpHandler next;
    private final String allowHeaders;
    private final String exposeHeaders;

    /**
     * @param allowedMethods the {@code Allow} set of a (canonical) path, null when no route matches it
     */
    public CorsHandler(Cors cors, Function<String, Set<String>> allowedMethods, HttpHandler next) {
        this.cors = cors;
        this.allowedMethods = allowedMethods;
        this.next = next;
        this.allowHeaders = String.join(", ", cors.allowHeaders());
        this.exposeHeaders = String.join(", ", cors.exposeHeaders());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderMap response = exchange.getResponseHeaders();
        if (!cors.anyOrigin()) {
            response.add(Headers.VARY, "Origin");
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null || !cors.allows(origin)) {
            next.handleRequest(exchange);
            return;
        }
        if (Methods.OPTIONS.equals(exchange.getRequestMethod()) && exchange.getRequestHeaders().contains(REQUEST_METHOD)) {
            Set<String> methods = allowedMethods.apply(exchange.getRequestPath());
            if (methods != null) {
                preflight(exchange, origin, methods);
                return;
            }
        }
        allowOrigin(response, origin);
        if (!exposeHeaders.isEmpty()) {
            response.put(EXPOSE_HEADERS, exposeHeaders);
        }
        next.handleRequest(exchange);
    }

    private void preflight(HttpServerExchange exchange, String origin, Set<String> methods) {
        HeaderMap response = exchange.getResponseHeaders();
        allowOrigin(response, origin);
        response.put(ALLOW_METHODS, String.join(", ", methods));
        if (!allowHeaders.isEmpty()) {
            response.put(ALLOW_HEADERS, allowHeaders);
        }
        if (cors.maxAge() != null) {
            response.put(MAX_AGE, cors.maxAge().toSeconds());
        }
        // The answer depends on these too: a cache must not reuse it for another method or header list.
        response.add(Headers.VARY, "Access-Control-Request-Method");
        response.add(Headers.VARY, "Access-Control-Request-Headers");
        exchange.setStatusCode(204);
        exchange.endExchange();
    }

    private void allowOrigin(HeaderMap response, String origin) {
        response.put(ALLOW_ORIGIN, cors.anyOrigin() ? "*" : origin);
        if (cors.credentials()) {
            response.put(ALLOW_CREDENTIALS, "true");
        }
    }
}
