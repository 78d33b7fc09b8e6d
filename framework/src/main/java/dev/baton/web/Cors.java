package dev.baton.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What cross-origin requests an app accepts: {@code app.cors(c -> c.allowOrigin("https://app.example")
 * .allowCredentials().allowHeaders("X-Token"))}. Nothing is allowed unless named: no origin, no request header
 * beyond the CORS-safelisted ones, no credentials. The methods allowed are those of the routes of the path (see
 * {@link CorsHandler}).
 */
public final class Cors {

    private final Set<String> origins = new LinkedHashSet<>();
    private boolean anyOrigin;
    private boolean credentials;
    private final List<String> allowHeaders = new ArrayList<>();
    private final List<String> exposeHeaders = new ArrayList<>();
    private Duration maxAge;

    private Cors() {}

    /** The configuration {@code config} makes, checked: {@code Cors.of(c -> c.allowOrigin("https://app.example"))}. */
    public static Cors of(Consumer<Cors> config) {
        Cors cors = new Cors();
        config.accept(cors);
        cors.check();
        return cors;
    }

    /**
     * Origins allowed, each as a browser sends it: scheme, host and port if not the default, no path
     * ({@code https://app.example}, {@code http://localhost:5173}).
     */
    public Cors allowOrigin(String... origins) {
        for (String origin : origins) {
            this.origins.add(origin(origin));
        }
        return this;
    }

    /** Any origin, answered {@code *}: a public API. Never with credentials (the Fetch standard forbids it). */
    public Cors allowAnyOrigin() {
        this.anyOrigin = true;
        return this;
    }

    /** Cookies and HTTP authentication on cross-origin requests ({@code Access-Control-Allow-Credentials: true}). */
    public Cors allowCredentials() {
        this.credentials = true;
        return this;
    }

    /** Request headers a cross-origin request may carry besides the safelisted ones, e.g. {@code X-Token}. */
    public Cors allowHeaders(String... names) {
        for (String name : names) {
            allowHeaders.add(token(name));
        }
        return this;
    }

    /** Response headers the page's script may read besides the safelisted ones, e.g. {@code X-Request-Id}. */
    public Cors exposeHeaders(String... names) {
        for (String name : names) {
            exposeHeaders.add(token(name));
        }
        return this;
    }

    /** How long a browser may keep a preflight's answer ({@code Access-Control-Max-Age}); browsers cap it. */
    public Cors maxAge(Duration maxAge) {
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("a CORS max age is a duration of 0 or more: " + maxAge);
        }
        this.maxAge = maxAge;
        return this;
    }

    /** Refuses a configuration that would allow nothing or what the Fetch standard forbids; at registration. */
    void check() {
        if (anyOrigin && credentials) {
            throw new IllegalStateException("CORS: allowAnyOrigin() and allowCredentials() cannot go together"
                    + " (browsers refuse * with credentials); name the origins with allowOrigin(...)");
        }
        if (!anyOrigin && origins.isEmpty()) {
            throw new IllegalStateException("CORS: no origin allowed; name them with allowOrigin(...) or allowAnyOrigin()");
        }
    }

    boolean allows(String origin) {
        return anyOrigin || origins.contains(origin);
    }

    boolean anyOrigin() {
        return anyOrigin;
    }

    boolean credentials() {
        return credentials;
    }

    List<String> allowHeaders() {
        return allowHeaders;
    }

    List<String> exposeHeaders() {
        return exposeHeaders;
    }

    Duration maxAge() {
        return maxAge;
    }

    /** An origin as browsers serialize it (RFC 6454): lower-case scheme and host, no path, no trailing slash. */
    private static String origin(String origin) {
        Objects.requireNonNull(origin, "origin");
        if (origin.equals("*")) {
            throw new IllegalArgumentException("CORS: use allowAnyOrigin() for any origin, not allowOrigin(\"*\")");
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        int authority = lower.indexOf("://");
        boolean ok = (lower.startsWith("http://") || lower.startsWith("https://")) && authority > 0
                && lower.length() > authority + 3 && lower.indexOf('/', authority + 3) < 0;
        for (int i = 0; ok && i < lower.length(); i++) {
            char c = lower.charAt(i);
            ok = c > ' ' && c < 0x7f && c != '?' && c != '#' && c != ',';
        }
        if (!ok) {
            throw new IllegalArgumentException("CORS: an origin is scheme://host[:port] with no path, like"
                    + " https://app.example: " + origin);
        }
        return lower;
    }

    private static String token(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("CORS: a header name cannot be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("CORS: not a header name: " + name);
            }
        }
        return name;
    }

    /** {@code value} when it can be a header value (no control characters); names {@code what} otherwise. */
    static String fieldValue(String what, String value) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException(what + " holds a control character: " + value.replace("\r", "\\r")
                        .replace("\n", "\\n"));
            }
        }
        return value;
    }
}
