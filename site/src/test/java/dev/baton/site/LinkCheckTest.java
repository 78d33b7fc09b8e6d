package dev.baton.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * Every link, image, stylesheet and anchor of the generated pages resolves inside the site, and nothing is loaded
 * from the network (the site must work offline and from any host).
 */
class LinkCheckTest {

    private final Path site = Site.dir();
    private final Map<Path, Set<String>> idsByPage = new HashMap<>();

    @Test
    void everyPageIsThereWithTheNavigation() throws IOException {
        for (String page : Site.PAGES) {
            Path file = site.resolve(page + ".html");
            assertTrue(Files.isRegularFile(file), "missing page " + file);
            Document html = parse(file);
            List<String> nav = html.select("nav.site-nav a").eachAttr("href");
            assertEquals(Site.PAGES.stream().map(p -> p + ".html").toList(), nav, page + ": the navigation");
            assertEquals(1, html.select("nav.site-nav.current-" + page).size(), page + ": marks itself as the current page");
            assertFalse(html.text().contains("Unresolved directive"), page + ": an include failed");
        }
    }

    @Test
    void everyInternalLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : Site.htmlFiles()) {
            if (page.startsWith("api")) {
                // The Javadoc, as the JDK's javadoc writes it (whose constant-values.html has a dangling anchor on
                // JDK 17); the links into it from the pages are checked.
                continue;
            }
            Document html = parse(site.resolve(page));
            for (Element element : html.select("[href], [src]")) {
                for (String attribute : List.of("href", "src")) {
                    if (!element.hasAttr(attribute)) {
                        continue;
                    }
                    String target = element.attr(attribute);
                    String problem = check(page, element, target);
                    checked++;
                    if (problem != null) {
                        broken.add(page + ": <" + element.tagName() + " " + attribute + "=\"" + target + "\">: " + problem);
                    }
                }
            }
        }
        assertTrue(checked > 200, "only " + checked + " links checked: is the site complete?");
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void codeIsHighlighted() throws IOException {
        for (String page : List.of("index", "routing", "dagger", "testing", "zero-downtime")) {
            Document html = parse(site.resolve(page + ".html"));
            List<Element> java = html.select("pre.highlight > code[data-lang=java]");
            assertFalse(java.isEmpty(), page + ": no Java code block");
            for (Element block : java) {
                assertFalse(block.select("span[class]").isEmpty(), page + ": a Java block without highlighting: " + block.text());
            }
        }
    }

    /** Why {@code target} is broken, or null when it resolves. */
    private String check(Path page, Element element, String target) throws IOException {
        URI uri;
        try {
            uri = new URI(target.trim());
        } catch (URISyntaxException e) {
            return "not a URI: " + e.getMessage();
        }
        if (uri.getScheme() != null) {
            String scheme = uri.getScheme().toLowerCase();
            if (scheme.equals("http") || scheme.equals("https")) {
                // A link to another site is fine; a resource fetched from one is not (no CDN, no web font).
                return element.tagName().equals("a") ? null : "loads a resource from the network";
            }
            return scheme.equals("mailto") ? null : "unexpected scheme " + scheme;
        }
        if (uri.getRawAuthority() != null) {
            return "a network-path reference";
        }
        String path = uri.getRawPath() == null ? "" : URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        Path file = path.isEmpty() ? site.resolve(page) : site.resolve(page).resolveSibling(path).normalize();
        if (!file.startsWith(site)) {
            return "points outside the site";
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file)) {
            return "no such file " + site.relativize(file);
        }
        String fragment = uri.getFragment();
        if (fragment == null || fragment.isEmpty()) {
            return null;
        }
        if (!file.toString().endsWith(".html")) {
            return "a fragment on a file that is not a page";
        }
        return ids(file).contains(fragment) ? null : "no id \"" + fragment + "\" in " + site.relativize(file);
    }

    private Set<String> ids(Path file) throws IOException {
        Set<String> ids = idsByPage.get(file);
        if (ids == null) {
            Document html = parse(file);
            ids = new HashSet<>(html.select("[id]").eachAttr("id"));
            ids.addAll(html.select("a[name]").eachAttr("name"));
            idsByPage.put(file, ids);
        }
        return ids;
    }

    private static Document parse(Path file) throws IOException {
        return Jsoup.parse(file.toFile(), "UTF-8");
    }
}
