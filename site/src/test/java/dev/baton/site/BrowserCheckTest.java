package dev.baton.site;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.baton.tools.Cdp;
import dev.baton.tools.Chromium;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Loads every page in headless Chromium from a local HTTP server on 127.0.0.1, at a desktop and at a phone width,
 * and fails on console errors, uncaught exceptions, failed or 4xx/5xx requests, broken images, a page wider than
 * the screen, or a missing navigation. Saves screenshots under target/screenshots/ (index and zero-downtime in
 * both widths, and every page in full).
 *
 * <p>Chromium (Debian package {@code chromium}) is installed with apt-get when it is missing and this runs as root;
 * only when it can be neither found nor installed is the check skipped, saying so.
 */
class BrowserCheckTest {

    record Viewport(String name, int width, int height, double scale, boolean mobile) {}

    private static final List<Viewport> VIEWPORTS = List.of(
            new Viewport("desktop", 1280, 900, 1, false),
            new Viewport("phone", 390, 844, 2, true));
    private static final List<String> SCREENSHOT_PAGES = List.of("index", "zero-downtime");
    private static final String NAV_LINKS = "document.querySelectorAll('nav.site-nav a').length";
    private static final String BROKEN_IMAGES =
            "JSON.stringify(Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')))";
    private static final String OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth";
    private static final String STYLED = "getComputedStyle(document.querySelector('.site-header')).backgroundColor";

    private final Path target = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).toAbsolutePath().getParent();
    private final Path screenshots = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).toAbsolutePath();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile String current = "";
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    @Test
    void everyPageLoadsCleanlyOnADesktopAndAPhone() throws Exception {
        Optional<String> chromium = Chromium.findOrInstall(target.resolve("chromium-install.log"));
        if (chromium.isEmpty()) {
            System.out.println("[browser check] SKIPPED: " + Chromium.missing());
        }
        Assumptions.assumeTrue(chromium.isPresent(), () -> "SKIPPED the browser check: " + Chromium.missing());
        Files.createDirectories(screenshots.resolve("full"));
        long start = System.nanoTime();
        int loads = 0;
        try (StaticSite server = new StaticSite(Site.dir(), problems);
             Chromium browser = Chromium.launch(chromium.get(), target.resolve("chromium.log"));
             Cdp cdp = Cdp.connect(browser.pageWebSocket(), this::event)) {
            for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
                cdp.send(domain + ".enable");
            }
            for (Viewport viewport : VIEWPORTS) {
                cdp.send("Emulation.setDeviceMetricsOverride", Map.of("width", viewport.width(), "height", viewport.height(),
                        "deviceScaleFactor", viewport.scale(), "mobile", viewport.mobile()));
                for (String page : Site.PAGES) {
                    String where = page + ".html (" + viewport.name() + ")";
                    load(cdp, server.url(page + ".html"), where);
                    loads++;
                    check(cdp, where, viewport);
                    if (SCREENSHOT_PAGES.contains(page)) {
                        screenshot(cdp, screenshots.resolve(page + "-" + viewport.name() + ".png"), null);
                    }
                    screenshot(cdp, screenshots.resolve("full/" + page + "-" + viewport.name() + ".png"), fullPage(cdp, viewport));
                    if (page.equals("zero-downtime")) {
                        screenshot(cdp, screenshots.resolve("zero-downtime-diagram-" + viewport.name() + ".png"),
                                element(cdp, ".diagram", viewport));
                    }
                }
            }
        }
        // The spec'd names: the index and the zero-downtime page, as a desktop browser shows them
        Files.copy(screenshots.resolve("index-desktop.png"), screenshots.resolve("index.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(screenshots.resolve("zero-downtime-desktop.png"), screenshots.resolve("zero-downtime.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("[browser check] %d page loads in %d ms, screenshots in %s%n", loads,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), screenshots);
        assertTrue(problems.isEmpty(), problems.size() + " problem(s) in the browser:\n" + String.join("\n", problems));
    }

    private void load(Cdp cdp, String url, String where) throws Exception {
        current = where;
        loaded = new CompletableFuture<>();
        JsonNode navigation = cdp.send("Page.navigate", Map.of("url", url));
        if (navigation.hasNonNull("errorText")) {
            problems.add(where + ": navigation failed: " + navigation.get("errorText").asText());
            return;
        }
        loaded.get(30, TimeUnit.SECONDS);
        // late console messages, and the layout after web fonts (there should be none) and images
        cdp.send("Runtime.evaluate", Map.of("expression", "document.fonts.ready.then(() => true)", "awaitPromise", true));
        Thread.sleep(100);
    }

    private void check(Cdp cdp, String where, Viewport viewport) {
        int links = evaluate(cdp, NAV_LINKS).asInt();
        if (links != Site.PAGES.size()) {
            problems.add(where + ": " + links + " navigation links, expected " + Site.PAGES.size());
        }
        String broken = evaluate(cdp, BROKEN_IMAGES).asText();
        if (!broken.equals("[]")) {
            problems.add(where + ": broken images " + broken);
        }
        int overflow = evaluate(cdp, OVERFLOW).asInt();
        if (overflow > 1) {
            problems.add(where + ": the page is " + overflow + " px wider than the " + viewport.width() + " px screen");
        }
        String bar = evaluate(cdp, STYLED).asText();
        if (!bar.equals("rgb(15, 23, 42)")) {
            problems.add(where + ": css/site.css is not applied (the top bar is " + bar + ")");
        }
    }

    private static JsonNode evaluate(Cdp cdp, String expression) {
        JsonNode result = cdp.send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** The whole page, at most 12000 CSS pixels high. */
    private static Map<String, Object> fullPage(Cdp cdp, Viewport viewport) {
        double height = evaluate(cdp, "document.documentElement.scrollHeight").asDouble();
        return Map.of("x", 0, "y", 0, "width", viewport.width(), "height", Math.min(height, 12000),
                "scale", viewport.mobile() ? 1 : 0.75);
    }

    private static Map<String, Object> element(Cdp cdp, String selector, Viewport viewport) throws IOException {
        String rect = evaluate(cdp, "(() => { const r = document.querySelector('" + selector + "').getBoundingClientRect();"
                + " return JSON.stringify({x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}); })()").asText();
        JsonNode box = new ObjectMapper().readTree(rect);
        double margin = 16;
        return Map.of("x", Math.max(0, box.get("x").asDouble() - margin), "y", Math.max(0, box.get("y").asDouble() - margin),
                "width", Math.min(viewport.width(), box.get("width").asDouble() + 2 * margin),
                "height", box.get("height").asDouble() + 2 * margin, "scale", 1);
    }

    private void screenshot(Cdp cdp, Path file, Map<String, Object> clip) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("format", "png");
        if (clip != null) {
            params.put("clip", clip);
            params.put("captureBeyondViewport", true);
        }
        JsonNode shot = cdp.send("Page.captureScreenshot", params);
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    /** Every DevTools event: errors become problems of the page being loaded. */
    private void event(JsonNode event) {
        String method = event.path("method").asText();
        JsonNode params = event.path("params");
        switch (method) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    List<String> args = new ArrayList<>();
                    params.path("args").forEach(arg -> args.add(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText()));
                    problems.add(current + ": console." + type + ": " + String.join(" ", args));
                }
            }
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                problems.add(current + ": uncaught " + details.path("exception").path("description").asText(details.path("text").asText()));
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                if (entry.path("level").asText().equals("error")) {
                    problems.add(current + ": console error: " + entry.path("text").asText() + " " + entry.path("url").asText(""));
                }
            }
            case "Network.loadingFailed" -> {
                if (!params.path("canceled").asBoolean(false)) {
                    problems.add(current + ": request failed: " + params.path("errorText").asText() + " (" + params.path("type").asText() + ")");
                }
            }
            case "Network.responseReceived" -> {
                JsonNode response = params.path("response");
                if (response.path("status").asInt() >= 400) {
                    problems.add(current + ": " + response.path("status").asInt() + " for " + response.path("url").asText());
                }
            }
            default -> { }
        }
    }

    /** The generated site over HTTP on 127.0.0.1, on a free port; a request for a missing file is a problem. */
    static final class StaticSite implements AutoCloseable {
        private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
                "svg", "image/svg+xml", "png", "image/png", "js", "text/javascript; charset=utf-8", "ico", "image/x-icon");
        private final HttpServer server;

        StaticSite(Path root, List<String> problems) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = URI.create(exchange.getRequestURI().getRawPath()).getPath();
                    Path file = root.resolve(path.substring(1)).normalize();
                    if (Files.isDirectory(file)) {
                        file = file.resolve("index.html");
                    }
                    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                        problems.add("the server had no " + path);
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    String name = file.getFileName().toString();
                    String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
                    exchange.getResponseHeaders().set("Content-Type", type);
                    byte[] body = Files.readAllBytes(file);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
