package dev.baton.web;

import io.undertow.predicate.Predicate;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.DeflateEncodingProvider;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.NewInstanceObjectPool;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Response compression ({@code baton.compression}): Undertow's {@link EncodingHandler} with gzip and deflate, the
 * client's {@code Accept-Encoding} q-values deciding between them. A response is compressed only when it is worth it
 * and safe; the decision is taken as the response starts, when its status and headers are known:
 * <ul>
 *   <li>a compressible type (text, JSON, JavaScript, XML, SVG, WebAssembly), but never {@code text/event-stream}:
 *       a compressor buffers, and an event must reach the client when it is sent;</li>
 *   <li>a body of {@code baton.compressionMinSize} or more (one of unknown length, a stream, counts as large);</li>
 *   <li>not already encoded, not a range (206, 416), not a 204 or 304, not an answer to HEAD, not marked
 *       {@code Cache-Control: no-transform}.</li>
 * </ul>
 * Whatever the client asked for, a response that would be compressed for some client says
 * {@code Vary: Accept-Encoding}, so that a cache keeps both forms apart; a compressed one has its ETag made weak.
 */
public final class Compression {

    private Compression() {}

    /** {@code next}, its responses compressed when they are at least {@code minSize} bytes. */
    public static HttpHandler wrap(HttpHandler next, long minSize) {
        Predicate worthIt = exchange -> !Methods.HEAD.equals(exchange.getRequestMethod()) && candidate(exchange, minSize);
        ContentEncodingRepository encodings = new ContentEncodingRepository()
                .addEncodingHandler("gzip", new GzipEncodingProvider(), 100, worthIt)
                // HTTP's deflate is the zlib format (RFC 9110 §8.4.1.2); Undertow's own deflater pool makes raw
                // deflate, which strict decoders (Java's Inflater, some proxies) refuse.
                .addEncodingHandler("deflate", new DeflateEncodingProvider(new NewInstanceObjectPool<>(
                        () -> new Deflater(Deflater.DEFAULT_COMPRESSION, false), Deflater::end)), 50, worthIt);
        // An Accept-Encoding that refuses identity too ("*;q=0") gets the body as it is rather than Undertow's 406:
        // RFC 9110 §12.5.3 allows it, and an error page helps nobody.
        EncodingHandler encoding = new EncodingHandler(next, encodings).setNoEncodingHandler(next);
        return exchange -> {
            exchange.addResponseCommitListener(committing -> {
                HeaderMap headers = committing.getResponseHeaders();
                String coding = headers.getFirst(Headers.CONTENT_ENCODING);
                if ("identity".equalsIgnoreCase(coding)) {
                    // Undertow names identity when the client asked for it by name; RFC 9110 §8.4.1 never sends it.
                    headers.remove(Headers.CONTENT_ENCODING);
                    coding = null;
                }
                boolean encoded = "gzip".equals(coding) || "deflate".equals(coding);
                if (encoded || coding == null && candidate(committing, minSize)) {
                    headers.add(Headers.VARY, "Accept-Encoding");
                }
                String etag = headers.getFirst(Headers.ETAG);
                if (encoded && etag != null && etag.startsWith("\"")) {
                    // Other bytes than the identity form's: a strong tag promises the same bytes (RFC 9110 §8.8.1),
                    // and a range of them. Weakened as nginx does; revalidation compares weakly and still gets 304s.
                    headers.put(Headers.ETAG, "W/" + etag);
                }
            });
            encoding.handleRequest(exchange);
        };
    }

    /** Whether the response, as it starts, is one to compress for a client that accepts it. */
    static boolean candidate(HttpServerExchange exchange, long minSize) {
        int status = exchange.getStatusCode();
        if (status == 204 || status == 206 || status == 304 || status == 416 || status < 200) {
            return false;
        }
        HeaderMap headers = exchange.getResponseHeaders();
        if (headers.contains(Headers.CONTENT_ENCODING) || headers.contains(Headers.CONTENT_RANGE)) {
            return false;
        }
        String cacheControl = headers.getFirst(Headers.CACHE_CONTROL);
        if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
            return false;
        }
        long length = exchange.getResponseContentLength();
        return (length < 0 || length >= minSize) && compressible(headers.getFirst(Headers.CONTENT_TYPE));
    }

    /** Types whose bodies shrink: text and its structured kin. Images, fonts, archives and video are compressed already. */
    static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (type.equals("text/event-stream")) {
            return false;
        }
        return type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml")
                || type.equals("application/json") || type.equals("application/javascript")
                || type.equals("application/x-javascript") || type.equals("application/xml")
                || type.equals("application/wasm") || type.equals("image/svg+xml");
    }
}
