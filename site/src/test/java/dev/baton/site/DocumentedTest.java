package dev.baton.site;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

/**
 * The zero-downtime page documents every setting and every log line there is: both are read from the framework's
 * sources, so that a new setting or log line without documentation fails the build, naming it.
 */
class DocumentedTest {

    /** A logging call whose format is a string literal, possibly several joined with +. */
    private static final Pattern LOG_CALL = Pattern.compile(
            "\\.(?:info|warn|error)\\(\\s*(\"(?:[^\"\\\\]|\\\\.)*\"(?:\\s*\\+\\s*\"(?:[^\"\\\\]|\\\\.)*\")*)");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** An enum constant of Setting: {@code PORT("port", ...}. */
    private static final Pattern SETTING = Pattern.compile("^\\s+[A-Z_]+\\(\"(\\w+)\",", Pattern.MULTILINE);

    private final Path framework = Site.repo().resolve("framework/src/main/java/dev/baton");

    @Test
    void everyLogLineIsDocumented() throws IOException {
        String page = pageText("zero-downtime");
        List<String> formats = logFormats();
        assertTrue(formats.size() >= 25, "only " + formats.size() + " log lines found in " + framework + ": " + formats);
        List<String> missing = new ArrayList<>();
        for (String format : formats) {
            // {} is written {pid}, {ms}, ... on the page
            String regex = Arrays.stream(format.split("\\{\\}", -1)).map(Pattern::quote)
                    .collect(Collectors.joining("\\{[^{}]+\\}"));
            if (!Pattern.compile(regex).matcher(page).find()) {
                missing.add(format);
            }
        }
        assertTrue(missing.isEmpty(), "log lines not documented in zero-downtime.adoc (\"Every log line\"): " + missing);
    }

    @Test
    void everySettingIsDocumented() throws IOException {
        String page = pageText("zero-downtime");
        String source = Files.readString(framework.resolve("config/Setting.java"));
        Matcher setting = SETTING.matcher(source);
        List<String> missing = new ArrayList<>();
        int found = 0;
        while (setting.find()) {
            found++;
            String key = setting.group(1);
            String env = "BATON_" + key.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT);
            for (String name : List.of("baton." + key, env)) {
                if (!page.contains(name)) {
                    missing.add(name);
                }
            }
        }
        assertTrue(found >= 10, "only " + found + " settings found in Setting.java");
        assertTrue(missing.isEmpty(), "settings not documented in zero-downtime.adoc (\"Configuration\"): " + missing);
    }

    @Test
    void theArchetypeCommandIsTheRealOne() throws IOException {
        String page = pageText("getting-started");
        assertTrue(page.contains("mvn -B archetype:generate -DarchetypeGroupId=dev.baton -DarchetypeArtifactId=baton-archetype"),
                "the getting-started command");
        String archetypePom = Files.readString(Site.repo().resolve("archetype/pom.xml"));
        assertTrue(archetypePom.contains("<artifactId>baton-archetype</artifactId>"), "the archetype's coordinates changed");
        assertFalse(page.contains("-DarchetypeVersion={project-version}"), "the version attribute was not substituted");
    }

    /** The format strings of every info/warn/error call in the framework's main sources. */
    private List<String> logFormats() throws IOException {
        List<String> formats = new ArrayList<>();
        try (Stream<Path> files = Files.walk(framework)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher call = LOG_CALL.matcher(Files.readString(file));
                while (call.find()) {
                    StringBuilder format = new StringBuilder();
                    Matcher literal = LITERAL.matcher(call.group(1));
                    while (literal.find()) {
                        format.append(literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                    }
                    formats.add(format.toString());
                }
            }
        }
        return formats;
    }

    private static String pageText(String page) throws IOException {
        return Jsoup.parse(Site.dir().resolve(page + ".html").toFile(), "UTF-8").body().text();
    }
}
