package dev.baton;

import dev.baton.json.JsonMapper;
import dev.baton.json.JsonMapper.MalformedJsonException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and the response being built for it. Results ({@link #text}, {@link #json}, ...) are kept until
 * the handler, the after-filters and any exception handler are done, so each of them can still change them.
 */
public final class Context {

    private final HttpServerExchange exchange;
    private final JsonMapper json;
    private final byte[] body;
    private Map<String, String> pathParams = Map.of();
    private String matchedPattern;
    private Object result;
    private boolean contentTypeChosen;
    private Map<String, Object> attributes;

    /** {@code body} is the whole request body, received before the handler runs. */
    Context(HttpServerExchange exchange, JsonMapper json, byte[] body) {
        this.exchange = exchange;
        this.json = json;
        this.body = body;
    }

    // ---- request

    public String method() {
        return exchange.getRequestMethod().toString();
    }

    /**
     * The request path in its one canonical form, decoded, without the query string: no {@code //}, dot segment
     * or trailing slash (see {@link dev.baton.server.CanonicalPath}). Routes matched this same string.
     */
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

    /** Path parameter {@code name} read as {@code type} (e.g. {@code Long.class}) and checked: see {@link Validator}. */
    public <T> Validator<T> pathParamAsClass(String name, Class<T> type) {
        return new Validator<>(name, pathParam(name), type);
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null ? null : values.peekFirst();
    }

    /**
     * Query parameter {@code name} read as {@code type} (a number, Boolean, UUID, LocalDate, Instant, an enum or
     * String) and checked: see {@link Validator}.
     */
    public <T> Validator<T> queryParamAsClass(String name, Class<T> type) {
        return new Validator<>(name, queryParam(name), type);
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
        var cookie = exchange.getRequestCookie(name); // Undertow's Cookie, not Baton's
        return cookie == null ? null : cookie.getValue();
    }

    /**
     * The request body. It is received whole before the handler runs, without holding a worker thread; a body
     * over {@code baton.maxBodySize} was answered with 413 and never reaches a handler.
     */
    public byte[] bodyBytes() {
        return body;
    }

    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The request body as a stream, for code that wants one. */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    /**
     * The body read as JSON into {@code type}. JSON that does not fit ends the request with a
     * {@link ValidationException} (400): naming the field ({@code {"qty":["must be an integer"]}}), or under
     * {@code "body"} with a short reason for malformed JSON.
     */
    public <T> T bodyAs(Class<T> type) {
        try {
            return json.read(bodyBytes(), type);
        } catch (MalformedJsonException e) {
            throw e.field() == null ? ValidationException.of(BodyValidator.BODY, "malformed JSON: " + e.getMessage())
                    : ValidationException.of(e.field(), e.getMessage());
        }
    }

    /** The body read as JSON into {@code type} and checked: see {@link BodyValidator}. */
    public <T> BodyValidator<T> bodyValidator(Class<T> type) {
        return new BodyValidator<>(this, type);
    }

    // ---- attributes

    /** Keeps {@code value} for the rest of this request, e.g. the user a before-filter found; null removes it. */
    public Context attribute(String name, Object value) {
        if (value == null) {
            if (attributes != null) {
                attributes.remove(name);
            }
        } else {
            if (attributes == null) {
                attributes = new HashMap<>();
            }
            attributes.put(name, value);
        }
        return this;
    }

    /** The value kept under {@code name}, or null: {@code User user = ctx.attribute("user");}. */
    @SuppressWarnings("unchecked")
    public <T> T attribute(String name) {
        return attributes == null ? null : (T) attributes.get(name);
    }

    // ---- response

    public Context status(int status) {
        exchange.setStatusCode(status);
        return this;
    }

    public int status() {
        return exchange.getStatusCode();
    }

    /**
     * Sets response header {@code name}, replacing any value it had. A name that is not a token, or a value with a
     * control character (tab aside) or a character beyond Latin-1, throws: it would go out as other bytes, or as
     * a header of its own.
     */
    public Context header(String name, String value) {
        if (Headers.CONTENT_TYPE_STRING.equalsIgnoreCase(name)) {
            return contentType(value);
        }
        HttpString checkedName = HttpString.tryFromString(HttpSyntax.token("header name", name));
        exchange.getResponseHeaders().put(checkedName, HttpSyntax.fieldValue("header " + name, value));
        return this;
    }

    /** Sets the Content-Type; results set afterwards keep it instead of their own default. */
    public Context contentType(String contentType) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, HttpSyntax.fieldValue("Content-Type", contentType));
        contentTypeChosen = true;
        return this;
    }

    /** Sets a cookie with {@code Path=/} and {@code HttpOnly}. */
    public Context cookie(String name, String value) {
        return cookie(Cookie.of(name, value).httpOnly());
    }

    /** Sets a cookie, replacing one set before with the same name, path and domain. */
    public Context cookie(Cookie cookie) {
        exchange.setResponseCookie(cookie.toUndertow());
        return this;
    }

    /** Deletes cookie {@code name} of {@code Path=/} on the client. */
    public Context removeCookie(String name) {
        return removeCookie(name, "/");
    }

    /** Deletes cookie {@code name} of {@code path} on the client: an empty value, already expired. */
    public Context removeCookie(String name, String path) {
        return cookie(Cookie.of(name, "").path(path).maxAge(Duration.ZERO));
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

    /**
     * Answers {@code status} (a 3xx) with {@code Location}. Non-ASCII characters are percent-encoded as UTF-8 and
     * ASCII is kept as it is; a control character throws. Where the location points is not checked: a target taken
     * from the request is the app's to vet.
     */
    public Context redirect(String location, int status) {
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("redirect status must be 3xx, got " + status);
        }
        exchange.getResponseHeaders().put(Headers.LOCATION, HttpSyntax.location(location));
        status(status);
        result = null;
        return this;
    }

    /** What the handler produced so far: a byte[], an InputStream, or null. */
    Object result() {
        return result;
    }

    /**
     * The underlying Undertow exchange, for what Baton does not wrap (e.g. server-sent events). In a handler that may
     * block, the exchange is in blocking mode from here on, so that its streams can be used.
     */
    public HttpServerExchange exchange() {
        if (!exchange.isBlocking() && !exchange.isInIoThread()) {
            exchange.startBlocking();
        }
        return exchange;
    }

    /** The exchange as it is, for Baton's own use: blocking mode is only for handlers that ask for the exchange. */
    HttpServerExchange undertowExchange() {
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
