package dev.baton;

import dev.baton.json.JsonMapper;
import dev.baton.json.JsonMapper.MalformedJsonException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One request and the response being built for it. Results ({@link #text}, {@link #json}, ...) are kept until
 * the handler, the after-filters and any exception handler are done, so each of them can still change them.
 */
public final class Context {

    private final HttpServerExchange exchange;
    private final JsonMapper json;
    private final long maxBodySize;
    private Map<String, String> pathParams = Map.of();
    private String matchedPattern;
    private byte[] body;
    private Object result;
    private boolean contentTypeChosen;

    Context(HttpServerExchange exchange, JsonMapper json, long maxBodySize) {
        this.exchange = exchange;
        this.json = json;
        this.maxBodySize = maxBodySize;
    }

    // ---- request

    public String method() {
        return exchange.getRequestMethod().toString();
    }

    /** The request path, URL-decoded, without the query string. */
    public String path() {
        return exchange.getRequestPath();
    }

    /** The pattern of the route that matched, e.g. {@code /users/{id}}; null when none did. */
    public String matchedPattern() {
        return matchedPattern;
    }

    /** The value of {@code {name}} (or {@code {*name}}) in the matched route's pattern. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route " + matchedPattern + " has no path parameter {" + name + "}");
        }
        return value;
    }

    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null ? null : values.peekFirst();
    }

    public List<String> queryParams(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    /** The first value of request header {@code name}, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The value of request cookie {@code name}, or null. */
    public String cookie(String name) {
        Cookie cookie = exchange.getRequestCookie(name);
        return cookie == null ? null : cookie.getValue();
    }

    /** The request body; a body over {@code baton.maxBodySize} ends the request with 413. */
    public byte[] bodyBytes() {
        if (body == null) {
            try (InputStream in = bodyStream()) {
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body;
    }

    public String body() {
        return new String(bodyBytes(), StandardCharsets.UTF_8);
    }

    /** The request body as a stream, for bodies read piece by piece; the size limit still applies. */
    public InputStream bodyStream() {
        if (!exchange.isBlocking()) {
            throw new IllegalStateException("a Handler.nonBlocking handler cannot read the request body");
        }
        return new BoundedInputStream(exchange.getInputStream(), maxBodySize);
    }

    /** The body read as JSON into {@code type}; malformed JSON ends the request with 400 and a short reason. */
    public <T> T bodyAs(Class<T> type) {
        try {
            return json.read(bodyBytes(), type);
        } catch (MalformedJsonException e) {
            throw new HttpException(400, "malformed JSON: " + e.getMessage());
        }
    }

    // ---- response

    public Context status(int status) {
        exchange.setStatusCode(status);
        return this;
    }

    public int status() {
        return exchange.getStatusCode();
    }

    /** Sets response header {@code name}, replacing any value it had. */
    public Context header(String name, String value) {
        if (Headers.CONTENT_TYPE_STRING.equalsIgnoreCase(name)) {
            return contentType(value);
        }
        exchange.getResponseHeaders().put(HttpString.tryFromString(name), value);
        return this;
    }

    /** Sets the Content-Type; results set afterwards keep it instead of their own default. */
    public Context contentType(String contentType) {
        contentTypeChosen = true;
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        return this;
    }

    public Context cookie(String name, String value) {
        exchange.setResponseCookie(new CookieImpl(name, value).setPath("/").setHttpOnly(true));
        return this;
    }

    public Context text(String text) {
        return result("text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public Context html(String html) {
        return result("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public Context json(Object value) {
        return result("application/json", json.write(value));
    }

    public Context bytes(byte[] bytes) {
        return result("application/octet-stream", bytes);
    }

    /** Streams {@code in} to the client once the handler returns, then closes it. */
    public Context stream(InputStream in) {
        return result("application/octet-stream", in);
    }

    public Context redirect(String location) {
        return redirect(location, 302);
    }

    public Context redirect(String location, int status) {
        status(status).header(Headers.LOCATION_STRING, location);
        result = null;
        return this;
    }

    /** What the handler produced so far: a byte[], an InputStream, or null. */
    Object result() {
        return result;
    }

    /** The underlying Undertow exchange, for what Baton does not wrap (e.g. server-sent events). */
    public HttpServerExchange exchange() {
        return exchange;
    }

    void route(String pattern, Map<String, String> params) {
        this.matchedPattern = pattern;
        this.pathParams = params;
    }

    private Context result(String defaultType, Object value) {
        if (!contentTypeChosen) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, defaultType);
        }
        Object previous = result;
        result = value;
        if (previous instanceof InputStream in) {
            closeQuietly(in);
        }
        return this;
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the response no longer needs it
        }
    }
}
