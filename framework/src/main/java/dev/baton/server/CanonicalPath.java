package dev.baton.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one form of a request path that filters, routes and handlers all see, worked out from the path exactly as
 * the client sent it. A guard on a path prefix and the route it guards can then never disagree about a request:
 * the disagreement behind most path-confusion CVEs of Spring, Tomcat and Jetty.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>The path must start with {@code /}; empty segments ({@code //}, a trailing {@code /}) are dropped, as the
 *       router ignores them.</li>
 *   <li>Each segment is percent-decoded as UTF-8. A malformed escape or malformed UTF-8 (overlong forms such as
 *       {@code %c0%ae} included) is refused.</li>
 *   <li>Refused inside a segment: {@code /} (from {@code %2F}), {@code \} (raw or {@code %5C}), and control
 *       characters (NUL, C0, DEL, C1, and the line and paragraph separators U+2028, U+2029). One segment must
 *       never read as two, on this server or on one behind it.</li>
 *   <li>The dot segments {@code .} and {@code ..} are resolved as RFC 3986 §5.2.4 says; a {@code ..} that would
 *       climb above the root is refused. Encoded dots ({@code %2e}, {@code .%2E}) are refused: browsers resolve
 *       them before sending, so only a client probing for confusion sends them.</li>
 *   <li>{@code ;} is ordinary text: there are no path parameters, so {@code /admin;a=b} is not {@code /admin}. Only
 *       a {@code ;} right after an empty or dot segment ({@code /;a}, {@code /.;a}, {@code /..;a}) is refused,
 *       since servlet containers read those as the dot segment.</li>
 * </ol>
 * The result is {@code /} plus the decoded segments joined by single slashes, so it never holds {@code ..},
 * {@code //} or a trailing slash.
 */
public final class CanonicalPath {

    /** A request path that has no canonical form; the reason is safe to send back to the client. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private CanonicalPath() {}

    /**
     * Puts the canonical path in place of the one Undertow decoded (which drops {@code ;} parameters and keeps
     * dot segments) before {@code next} sees the request, or answers 400 with the reason.
     */
    static HttpHandler before(HttpHandler next) {
        return exchange -> {
            String path;
            try {
                path = of(rawPath(exchange));
            } catch (Refused refused) {
                exchange.setStatusCode(400);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getResponseSender().send("Bad Request: " + refused.getMessage());
                return;
            }
            exchange.setRequestPath(path);
            exchange.setRelativePath(path);
            next.handleRequest(exchange);
        };
    }

    /** The path as the client sent it: the request URI without the scheme and authority of an absolute form. */
    private static String rawPath(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (!exchange.isHostIncludedInRequestURI()) {
            return uri;
        }
        int authority = uri.indexOf("//");
        int slash = authority < 0 ? -1 : uri.indexOf('/', authority + 2);
        return slash < 0 ? "/" : uri.substring(slash);
    }

    /** The canonical, decoded form of {@code rawPath} (the request target's path, still percent-encoded). */
    public static String of(String rawPath) throws Refused {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new Refused("the path must start with /");
        }
        Deque<String> segments = new ArrayDeque<>();
        int start = 1;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            if (end > start) {
                add(segments, rawPath, start, end);
            }
            start = end + 1;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder path = new StringBuilder(rawPath.length());
        for (String segment : segments) {
            path.append('/').append(segment);
        }
        return path.toString();
    }

    private static void add(Deque<String> segments, String raw, int start, int end) throws Refused {
        boolean encoded = false;
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            encoded |= c == '%';
            if (c > 0x7f) {
                // What such a byte means depends on how the server read it: only the escaped form is unambiguous.
                throw new Refused("the path holds a character that is not percent-encoded");
            }
        }
        int parameters = raw.indexOf(';', start);
        if (parameters >= 0 && parameters < end && isDotOrEmpty(raw.substring(start, parameters))) {
            // Servlet containers read "..;x" as "..": a proxy or app behind this server may do the same.
            throw new Refused("the path holds parameters on a dot or empty segment");
        }
        String segment = encoded ? decode(raw, start, end) : raw.substring(start, end);
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') {
                throw new Refused("a path segment holds an encoded or raw " + (c == '/' ? "slash" : "backslash"));
            }
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                throw new Refused("the path holds a control character");
            }
        }
        if (segment.equals(".") || segment.equals("..")) {
            if (encoded) {
                throw new Refused("the path holds an encoded dot segment");
            }
            if (segment.equals("..") && segments.pollLast() == null) {
                throw new Refused("the path climbs above the root");
            }
            return;
        }
        segments.addLast(segment);
    }

    private static boolean isDotOrEmpty(String segment) {
        return segment.isEmpty() || segment.equals(".") || segment.equals("..");
    }

    private static String decode(String raw, int start, int end) throws Refused {
        ByteBuffer bytes = ByteBuffer.allocate(end - start);
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= end) {
                    throw new Refused("the path holds a malformed percent-escape");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new Refused("the path holds a malformed percent-escape");
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else {
                bytes.put((byte) c);
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = utf8.decode(bytes.flip());
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new Refused("the path is not percent-encoded UTF-8");
        }
    }
}
