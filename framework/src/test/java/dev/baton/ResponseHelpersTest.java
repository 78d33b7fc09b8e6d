package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Cookie.SameSite;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What redirect, header and the cookie helpers put on the wire, read as raw bytes (each byte one char) from a
 * socket: an encoded or refused character shows exactly as the client would see it.
 */
class ResponseHelpersTest {

    private Baton app;

    private void start(Consumer<Baton> routes) {
        app = Baton.create(BatonHttpTest.testConfig());
        routes.accept(app);
        app.start();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private RawHttp.Response get(String target) throws Exception {
        return RawHttp.get(app.port(), target);
    }

    private static List<String> setCookies(RawHttp.Response response) {
        return response.headers().stream().filter(h -> h.startsWith("Set-Cookie: "))
                .map(h -> h.substring("Set-Cookie: ".length())).toList();
    }

    /** Fails unless the request ended in the 500 of an uncaught exception, with nothing of the refused text sent. */
    private static void assertRefused(RawHttp.Response response, String... absent) {
        assertEquals(500, response.status(), response.toString());
        assertEquals("Internal Server Error", response.body());
        for (String header : response.headers()) {
            for (String text : absent) {
                assertFalse(header.contains(text), header);
            }
        }
    }

    @Test
    void redirectPercentEncodesNonAsciiSoNoCharBecomesASlash() throws Exception {
        start(app -> app.get("/login", ctx -> {
            String next = ctx.queryParam("next");
            if (next.startsWith("/") && !next.startsWith("//")) { // the usual same-site guard
                ctx.redirect(next);
            }
        }).get("/emoji", ctx -> ctx.redirect("/café/\uD83D\uDE00?q=ü", 303)));
        RawHttp.Response trick = get("/login?next=/%C4%AFevil.example"); // "/\u012Fevil.example": U+012F cut to '/'
        assertEquals(302, trick.status());
        assertEquals("/%C4%AFevil.example", trick.header("Location"));
        assertTrue(trick.headers().contains("Location: /%C4%AFevil.example"), trick.headers().toString());
        RawHttp.Response emoji = get("/emoji");
        assertEquals(303, emoji.status());
        assertEquals("/caf%C3%A9/%F0%9F%98%80?q=%C3%BC", emoji.header("Location"));
    }

    @Test
    void redirectKeepsAsciiLocationsByteForByte() throws Exception {
        List<String> locations = List.of("/a%20b/%2F?x=1&y=%C3%A9#top", "https://example.com/p?q=a+b", "../up",
                "/s p\"a<c>e{|}^`'\\");
        start(app -> app.get("/{i}", ctx -> ctx.redirect(locations.get(Integer.parseInt(ctx.pathParam("i"))), 301)));
        for (int i = 0; i < locations.size(); i++) {
            RawHttp.Response response = get("/" + i);
            assertEquals(301, response.status());
            assertEquals("Location: " + locations.get(i),
                    response.headers().stream().filter(h -> h.startsWith("Location: ")).findFirst().orElseThrow());
        }
    }

    @Test
    void redirectRefusesControlCharactersAndStatusesOutside3xx() throws Exception {
        start(app -> app.get("/crlf", ctx -> ctx.redirect("/a\r\nSet-Cookie: evil=1"))
                .get("/lf", ctx -> ctx.redirect("/a\nX-Evil: 1"))
                .get("/nul", ctx -> ctx.redirect("/a\0b"))
                .get("/tab", ctx -> ctx.redirect("/\t/evil.example"))
                .get("/del", ctx -> ctx.redirect("/a\u007Fb"))
                .get("/lone-surrogate", ctx -> ctx.redirect("/a\uD800b"))
                .get("/200", ctx -> ctx.redirect("/target", 200))
                .get("/404", ctx -> ctx.redirect("/target", 404)));
        for (String path : List.of("/crlf", "/lf", "/nul", "/tab", "/del", "/lone-surrogate", "/200", "/404")) {
            RawHttp.Response response = get(path);
            assertRefused(response, "evil", "Evil", "/target");
            assertNull(response.header("Location"), path);
            assertTrue(setCookies(response).isEmpty(), path);
        }
    }

    @Test
    void headerRefusesInjectionControlCharactersNonLatin1AndBadNames() throws Exception {
        start(app -> app.get("/crlf", ctx -> ctx.header("X-A", "1\r\nSet-Cookie: evil=1"))
                .get("/lf", ctx -> ctx.header("X-A", "1\nX-Evil: 1"))
                .get("/nul", ctx -> ctx.header("X-A", "1\0"))
                .get("/non-latin-1", ctx -> ctx.header("X-Name", "\u012Fevil"))
                .get("/emoji", ctx -> ctx.header("X-Name", "\uD83D\uDE00"))
                .get("/content-type", ctx -> ctx.contentType("text/plain\r\nX-Evil: 1").text("x"))
                .get("/content-type-header", ctx -> ctx.header("content-type", "text/\u012Fevil").text("x"))
                .get("/name-crlf", ctx -> ctx.header("X-A\r\nX-Evil", "1"))
                .get("/name-space", ctx -> ctx.header("X Evil", "1"))
                .get("/name-colon", ctx -> ctx.header("X-Evil:", "1"))
                .get("/name-empty", ctx -> ctx.header("", "1")));
        for (String path : List.of("/crlf", "/lf", "/nul", "/non-latin-1", "/emoji", "/content-type",
                "/content-type-header", "/name-crlf", "/name-space", "/name-colon", "/name-empty")) {
            RawHttp.Response response = get(path);
            assertRefused(response, "evil", "Evil");
            assertNull(response.header("X-A"), path);
            assertNull(response.header("X-Name"), path);
            assertTrue(setCookies(response).isEmpty(), path);
            assertEquals("text/plain; charset=utf-8", response.header("Content-Type"), path);
        }
    }

    @Test
    void headerKeepsTabsAndLatin1() throws Exception {
        start(app -> app.get("/", ctx -> ctx.header("X-Tab", "a\tb").header("X-Latin-1", "Zo\u00EB")
                .header("X-Token!#$%&'*+-.^_`|~", "ok").contentType("text/csv; charset=\"utf-8\"").text("x")));
        RawHttp.Response response = get("/");
        assertEquals(200, response.status());
        assertTrue(response.headers().contains("X-Tab: a\tb"), response.headers().toString());
        assertTrue(response.headers().contains("X-Latin-1: Zo\u00EB"), response.headers().toString()); // one byte 0xEB
        assertEquals("ok", response.header("X-Token!#$%&'*+-.^_`|~"));
        assertEquals("text/csv; charset=\"utf-8\"", response.header("Content-Type"));
    }

    @Test
    void cookieBuilderWritesEveryAttribute() throws Exception {
        Cookie base = Cookie.of("plain", "1");
        // tag::cookies[]
        start(app -> app.get("/", ctx -> {
            base.secure().httpOnly().path("/elsewhere"); // a new cookie each time: base stays as it is
            ctx.cookie(Cookie.of("session", "abc-123_~!").path("/app").domain("example.com")
                            .maxAge(Duration.ofHours(1)).secure().httpOnly().sameSite(SameSite.STRICT))
                    .cookie(Cookie.of("lax", "\"quoted\"").sameSite(SameSite.LAX))
                    .cookie(Cookie.of("cross", "x").sameSite(SameSite.NONE).secure())
                    .cookie(base)
                    .cookie("classic", "first").cookie("classic", "second"); // the second replaces the first
        }));
        // end::cookies[]
        ZonedDateTime before = ZonedDateTime.now();
        RawHttp.Response response = get("/");
        assertEquals(200, response.status(), response.body());
        List<String> cookies = setCookies(response);
        assertEquals(5, cookies.size(), cookies.toString());
        String session = cookies.stream().filter(c -> c.startsWith("session=")).findFirst().orElseThrow();
        for (String part : List.of("session=abc-123_~!;", "; Path=/app", "; Domain=example.com", "; Max-Age=3600",
                "; Secure", "; HttpOnly", "; SameSite=Strict")) {
            assertTrue(session.contains(part), part + " in " + session);
        }
        ZonedDateTime expires = expires(session);
        assertTrue(expires.isAfter(before.plusMinutes(59)) && expires.isBefore(before.plusMinutes(61)), session);
        assertTrue(cookies.contains("lax=\"quoted\"; Path=/; SameSite=Lax"), cookies.toString());
        assertTrue(cookies.contains("cross=x; Path=/; Secure; SameSite=None"), cookies.toString());
        assertTrue(cookies.contains("plain=1; Path=/"), cookies.toString());
        assertTrue(cookies.contains("classic=second; Path=/; HttpOnly"), cookies.toString());
    }

    @Test
    void removeCookieExpiresItWithTheSamePath() throws Exception {
        start(app -> app.get("/", ctx -> ctx.removeCookie("session").removeCookie("prefs", "/app")));
        List<String> cookies = setCookies(get("/"));
        assertEquals(2, cookies.size(), cookies.toString());
        // RFC 6265 lets no server send Max-Age=0, so Undertow sends the past Expires alone; a Max-Age, if ever
        // sent, must be 0
        for (String cookie : cookies) {
            assertTrue(cookie.matches("(session=; Path=/|prefs=; Path=/app)(; Max-Age=0)?; Expires=[^;]+"), cookie);
            assertTrue(expires(cookie).isBefore(ZonedDateTime.now().minusYears(1)), cookie);
        }
    }

    @Test
    void refusedCookiesNameTheCookieAndSendNothing() throws Exception {
        start(app -> app.get("/same-site-none", ctx -> ctx.cookie(Cookie.of("cross", "x").sameSite(SameSite.NONE)))
                .get("/semicolon", ctx -> ctx.cookie("session", "a; Domain=evil.example"))
                .get("/crlf", ctx -> ctx.cookie("session", "a\r\nX-Evil: 1"))
                .get("/space", ctx -> ctx.cookie(Cookie.of("session", "a b")))
                .get("/non-ascii", ctx -> ctx.cookie("session", "\u012F"))
                .get("/path", ctx -> ctx.cookie(Cookie.of("session", "a").path("/; Domain=evil.example")))
                .get("/domain", ctx -> ctx.cookie(Cookie.of("session", "a").domain("evil.example\r\nX-Evil: 1")))
                .get("/negative", ctx -> ctx.cookie(Cookie.of("session", "a").maxAge(Duration.ofSeconds(-1))))
                .get("/name", ctx -> ctx.cookie("a=b", "c"))
                .get("/remove-name", ctx -> ctx.removeCookie("a b")));
        for (String path : List.of("/same-site-none", "/semicolon", "/crlf", "/space", "/non-ascii", "/path",
                "/domain", "/negative", "/name", "/remove-name")) {
            RawHttp.Response response = get(path);
            assertRefused(response, "evil", "Evil");
            assertTrue(setCookies(response).isEmpty(), path);
        }
        // the messages, which go to the log, name the cookie and what is wrong with it, never echo the bad text
        app.stop();
        start(app -> app.get("/same-site-none", ctx -> ctx.cookie(Cookie.of("cross", "x").sameSite(SameSite.NONE)))
                .get("/semicolon", ctx -> ctx.cookie("session", "a; Domain=evil.example"))
                .get("/name", ctx -> ctx.cookie("a\r\nb", "c"))
                .exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(500).text(e.getMessage())));
        assertEquals("cookie cross: SameSite=None requires Secure (browsers drop it)", get("/same-site-none").body());
        assertEquals("value of cookie session: character U+003B at index 1 is not allowed", get("/semicolon").body());
        assertEquals("cookie name is not a token: character U+000D at index 1 is not allowed", get("/name").body());
    }

    private static ZonedDateTime expires(String setCookie) {
        String value = setCookie.replaceFirst(".*; Expires=([^;]+).*", "$1");
        return ZonedDateTime.parse(value, DateTimeFormatter.ofPattern("EEE, dd-MMM-yyyy HH:mm:ss zzz", Locale.US));
    }
}
