package dev.baton;

import io.undertow.server.handlers.CookieImpl;
import java.time.Duration;
import java.util.Objects;

/**
 * A cookie for {@link Context#cookie(Cookie)}, e.g.
 * {@code Cookie.of("session", id).maxAge(Duration.ofHours(8)).secure().httpOnly().sameSite(SameSite.LAX)}.
 * Immutable: each method returns a new cookie. {@code Path=/} unless {@link #path} says otherwise; no Max-Age
 * makes a session cookie.
 *
 * <p>A name must be a token and a value RFC 6265 cookie-octets (ASCII letters, digits and punctuation but
 * {@code " , ; \}; no space), optionally in double quotes: anything else throws, naming the cookie. Encode other
 * values first, e.g. with URL-safe Base64.
 */
public final class Cookie {

    /** The SameSite attribute; {@link #NONE} requires {@link Cookie#secure()}. */
    public enum SameSite {
        LAX("Lax"), STRICT("Strict"), NONE("None");

        private final String attribute;

        SameSite(String attribute) {
            this.attribute = attribute;
        }
    }

    private final String name;
    private final String value;
    private final String path;
    private final String domain;
    private final Integer maxAgeSeconds;
    private final boolean secure;
    private final boolean httpOnly;
    private final SameSite sameSite;

    private Cookie(String name, String value, String path, String domain, Integer maxAgeSeconds, boolean secure,
            boolean httpOnly, SameSite sameSite) {
        this.name = name;
        this.value = value;
        this.path = path;
        this.domain = domain;
        this.maxAgeSeconds = maxAgeSeconds;
        this.secure = secure;
        this.httpOnly = httpOnly;
        this.sameSite = sameSite;
    }

    public static Cookie of(String name, String value) {
        HttpSyntax.token("cookie name", name);
        return new Cookie(name, checkValue(name, value), "/", null, null, false, false, null);
    }

    public Cookie path(String path) {
        String checked = checkAttribute("Path", path);
        return new Cookie(name, value, checked, domain, maxAgeSeconds, secure, httpOnly, sameSite);
    }

    public Cookie domain(String domain) {
        String checked = checkAttribute("Domain", domain);
        return new Cookie(name, value, path, checked, maxAgeSeconds, secure, httpOnly, sameSite);
    }

    /**
     * How long the client keeps it. Zero deletes it (see {@link Context#removeCookie}); Undertow writes that as an
     * {@code Expires} in 1970 rather than {@code Max-Age=0}, which RFC 6265 does not allow servers to send.
     */
    public Cookie maxAge(Duration maxAge) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("cookie " + name + ": negative Max-Age " + maxAge);
        }
        // Undertow takes an int; browsers cap Max-Age at 400 days anyway
        int seconds = (int) Math.min(maxAge.toSeconds(), Integer.MAX_VALUE);
        return new Cookie(name, value, path, domain, seconds, secure, httpOnly, sameSite);
    }

    /** Sent over HTTPS only. */
    public Cookie secure() {
        return new Cookie(name, value, path, domain, maxAgeSeconds, true, httpOnly, sameSite);
    }

    /** Hidden from scripts in the page. */
    public Cookie httpOnly() {
        return new Cookie(name, value, path, domain, maxAgeSeconds, secure, true, sameSite);
    }

    public Cookie sameSite(SameSite sameSite) {
        Objects.requireNonNull(sameSite, "sameSite");
        return new Cookie(name, value, path, domain, maxAgeSeconds, secure, httpOnly, sameSite);
    }

    /** Checked here rather than in {@link #sameSite} so that {@code .sameSite(NONE).secure()} works too. */
    CookieImpl toUndertow() {
        if (sameSite == SameSite.NONE && !secure) {
            throw new IllegalArgumentException("cookie " + name + ": SameSite=None requires Secure (browsers drop it)");
        }
        CookieImpl cookie = new CookieImpl(name, value);
        cookie.setPath(path).setDomain(domain).setSecure(secure).setHttpOnly(httpOnly);
        if (maxAgeSeconds != null) { // setMaxAge(null) throws
            cookie.setMaxAge(maxAgeSeconds);
        }
        if (sameSite != null) {
            cookie.setSameSiteMode(sameSite.attribute);
        }
        return cookie;
    }

    private static String checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of cookie " + name);
        int start = 0;
        int end = value.length();
        if (end >= 2 && value.charAt(0) == '"' && value.charAt(end - 1) == '"') {
            start++;
            end--;
        }
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw HttpSyntax.refused("value of cookie " + name, value, i);
            }
        }
        return value;
    }

    /** Printable ASCII but ';', which would start another attribute. */
    private String checkAttribute(String attribute, String s) {
        Objects.requireNonNull(s, attribute);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == ';') {
                throw HttpSyntax.refused(attribute + " of cookie " + name, s, i);
            }
        }
        return s;
    }
}
