package dev.baton.web;

import dev.baton.ops.HttpMetrics;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.resource.Resource;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.server.handlers.resource.ResourceManager;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ETag;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.MimeMappings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The static files of an app, served by Undertow's {@link ResourceHandler}: ETag and Last-Modified, 304s, 412s,
 * single ranges (206, 416), content types, HEAD. Baton asks it in two steps, so that the app's filters and error
 * handling apply to static files as to routes:
 * <ol>
 *   <li>{@link #find} (on a handler thread: it reads the file system) says whether a file answers the request, and
 *       remembers which. A miss goes on to the app's 404.</li>
 *   <li>{@link #handleRequest}, once the before- and after-filters ran, has the {@code ResourceHandler} send it,
 *       without blocking the thread: Undertow writes the file as the socket takes it.</li>
 * </ol>
 * The path it looks up is the canonical path (see {@code CanonicalPath}): no {@code ..}, no encoded slash,
 * backslash or NUL ever reaches a resource manager. Directories are never listed: one answers with its
 * {@code index.html}, or is a 404 like a missing file (a 403 would tell a prober that it exists).
 */
public final class StaticHandler implements HttpHandler {

    /** What a static file answers to, as an {@code Allow} header lists it. */
    public static final Set<String> METHODS = Collections.unmodifiableSortedSet(new TreeSet<>(List.of("GET", "HEAD", "OPTIONS")));

    private static final AttachmentKey<Found> FOUND = AttachmentKey.create(Found.class);

    /** Undertow's mappings, with today's types for scripts (RFC 9239), WebAssembly and fonts, and UTF-8 text. */
    static final MimeMappings MIME = MimeMappings.builder(true)
            .addMapping("html", "text/html; charset=utf-8")
            .addMapping("htm", "text/html; charset=utf-8")
            .addMapping("css", "text/css; charset=utf-8")
            .addMapping("js", "text/javascript; charset=utf-8")
            .addMapping("mjs", "text/javascript; charset=utf-8")
            .addMapping("txt", "text/plain; charset=utf-8")
            .addMapping("md", "text/markdown; charset=utf-8")
            .addMapping("csv", "text/csv; charset=utf-8")
            .addMapping("json", "application/json")
            .addMapping("map", "application/json")
            .addMapping("webmanifest", "application/manifest+json")
            .addMapping("wasm", "application/wasm")
            .addMapping("svg", "image/svg+xml")
            .addMapping("webp", "image/webp")
            .addMapping("avif", "image/avif")
            .addMapping("woff", "font/woff")
            .addMapping("woff2", "font/woff2")
            .build();

    private final List<Mount> mounts = new ArrayList<>();

    public StaticHandler(List<StaticFiles> folders, ClassLoader loader) {
        for (StaticFiles files : folders) {
            mounts.add(new Mount(files, files.resourceManager(loader)));
        }
        // The longest prefix first: /assets is looked at before /.
        mounts.sort(Comparator.comparingInt((Mount m) -> m.files.prefix().length()).reversed());
    }

    /**
     * Whether a file answers this GET or HEAD; when one does, the exchange's relative path becomes that file's path
     * in its folder, for {@link #handleRequest}. Reads the file system: never call it on an IO thread.
     */
    public boolean find(HttpServerExchange exchange) throws IOException {
        boolean get = Methods.GET.equals(exchange.getRequestMethod());
        if (!get && !Methods.HEAD.equals(exchange.getRequestMethod())) {
            return false;
        }
        String path = exchange.getRequestPath();
        for (Mount mount : mounts) {
            String relative = mount.files.relative(path);
            if (relative == null) {
                continue;
            }
            Found found = mount.file(relative);
            String fallback = mount.files.spaFallback();
            if (found == null && fallback != null && get && acceptsHtml(exchange)) {
                found = mount.file(fallback);
            }
            if (found != null) {
                exchange.setRelativePath(found.path());
                exchange.putAttachment(FOUND, found);
                // One metrics series per folder, as Spring's /** for resources: not one per file, nor UNKNOWN.
                exchange.putAttachment(HttpMetrics.ROUTE, mount.files.prefix().equals("/") ? "/**" : mount.files.prefix() + "/**");
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a folder is mounted where {@code path} points: no file system read, so that a CORS preflight (on the IO
     * thread) can be answered for static files as for routes. Whether the file exists is the actual request's to say.
     */
    public boolean covers(String path) {
        for (Mount mount : mounts) {
            if (mount.files.relative(path) != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file answers {@code path} to a GET: what a request with another method is told 405 or, to OPTIONS, its Allow. */
    public boolean exists(String path) throws IOException {
        for (Mount mount : mounts) {
            String relative = mount.files.relative(path);
            if (relative != null && mount.file(relative) != null) {
                return true;
            }
        }
        return false;
    }

    /** Sends the file {@link #find} found (a 404 if it found none). */
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Found found = exchange.getAttachment(FOUND);
        if (found == null) {
            ResponseCodeHandler.HANDLE_404.handleRequest(exchange);
            return;
        }
        // Set before the ResourceHandler runs, so that its 304s carry them too (RFC 9110 §15.4.5): it sets them on
        // a 200 only.
        HeaderMap response = exchange.getResponseHeaders();
        if (found.mount().files.cacheControl() != null) {
            response.put(Headers.CACHE_CONTROL, found.mount().files.cacheControl());
        }
        ETag etag = found.resource().getETag();
        if (etag != null) {
            response.put(Headers.ETAG, etag.toString());
            ifRange(exchange, etag);
        }
        if (matchesAny(exchange.getRequestHeaders().get(Headers.IF_NONE_MATCH))
                && !exchange.getRequestHeaders().contains(Headers.IF_MATCH)) {
            // "*" matches any current representation (RFC 9110 §13.1.2): the file is there, so a GET is a 304. Undertow
            // compares the listed tags only and sent the whole file. (An If-Match, evaluated first, stays Undertow's.)
            exchange.setStatusCode(304);
            exchange.endExchange();
            return;
        }
        found.mount().handler.handleRequest(exchange);
    }

    /**
     * Decides an entity-tag {@code If-Range} here: Undertow compares the quoted tag the client sends with the bare one
     * it holds, so a matching one never matched and every such request got the whole file. A match leaves the range
     * to Undertow; a mismatch drops it (the whole file, RFC 9110 §13.1.5). Date forms stay Undertow's.
     */
    private static void ifRange(HttpServerExchange exchange, ETag etag) {
        String ifRange = exchange.getRequestHeaders().getFirst(Headers.IF_RANGE);
        if (ifRange == null || !ifRange.trim().startsWith("\"")) {
            return;
        }
        if (!ifRange.trim().equals(etag.toString()) || etag.isWeak()) {
            exchange.getRequestHeaders().remove(Headers.RANGE);
        }
        exchange.getRequestHeaders().remove(Headers.IF_RANGE);
    }

    private static boolean matchesAny(HeaderValues ifNoneMatch) {
        if (ifNoneMatch != null) {
            for (String value : ifNoneMatch) {
                if (value.trim().equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A browser navigating: what an SPA fallback is for (scripts and fetches send other Accept values). */
    private static boolean acceptsHtml(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.ACCEPT);
        if (values == null) {
            return false;
        }
        for (String accept : values) {
            if (accept.contains("text/html") || accept.contains("application/xhtml+xml")) {
                return true;
            }
        }
        return false;
    }

    private static final class Mount {
        final StaticFiles files;
        final ResourceManager manager;
        final ResourceHandler handler;

        Mount(StaticFiles files, ResourceManager manager) {
            this.files = files;
            this.manager = manager;
            // The resource find() found; looked up again only if it asks for another path (it does not today).
            this.handler = new ResourceHandler((exchange, path) -> {
                Found found = exchange.getAttachment(FOUND);
                return found != null && found.path().equals(path) ? found.resource() : TaggedResource.of(manager.getResource(path));
            }, ResponseCodeHandler.HANDLE_404)
                    .setDirectoryListingEnabled(false)
                    .setWelcomeFiles()
                    .setMimeMappings(MIME);
        }

        /** The file that answers {@code relative}: itself, a directory's index.html, or null. */
        Found file(String relative) throws IOException {
            Resource resource = manager.getResource(relative);
            if (resource == null) {
                return null;
            }
            if (!resource.isDirectory()) {
                return new Found(this, relative, TaggedResource.of(resource));
            }
            String index = relative.endsWith("/") ? relative + "index.html" : relative + "/index.html";
            Resource indexFile = manager.getResource(index);
            return indexFile != null && !indexFile.isDirectory() ? new Found(this, index, TaggedResource.of(indexFile)) : null;
        }
    }

    /** A file find() found: where, under which path the ResourceHandler asks for it, and the resource itself. */
    private record Found(Mount mount, String path, Resource resource) {}
}
