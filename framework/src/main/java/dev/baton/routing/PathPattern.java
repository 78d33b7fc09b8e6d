package dev.baton.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated route pattern split into segments, e.g. {@code "/users/{id}"} → [static "users", param "id"].
 * Also owns the path-scanning helpers, so the router's trie walk and the parameter extraction agree on
 * what a segment is.
 */
final class PathPattern {

    enum Type { STATIC, PARAM, WILDCARD }

    /**
     * {@code value} is the literal text for STATIC and the parameter name otherwise; null for the unnamed wildcard
     * {@code *}, Javalin's spelling, which matches like {@code {*name}} and gives no parameter.
     */
    record Segment(Type type, String value) {}

    private final String source;
    private final List<Segment> segments;
    /** Parameter names in pattern order, shared by every match's {@link PathParams}. */
    private final String[] names;
    /** The one path this pattern matches in canonical form, or null when it has parameters. */
    private final String staticPath;

    // Routes are parsed at start-up: plain loops here and below, no streams or lambdas (each lambda is a class
    // spun at run time).
    private PathPattern(String source, List<Segment> segments) {
        this.source = source;
        this.segments = List.copyOf(segments);
        List<String> parameters = new ArrayList<>();
        StringBuilder path = new StringBuilder();
        boolean fixed = true;
        for (Segment segment : segments) {
            if (segment.type() != Type.STATIC) {
                fixed = false;
                if (segment.value() != null) {
                    parameters.add(segment.value());
                }
            }
            path.append('/').append(segment.value());
        }
        this.names = parameters.toArray(new String[0]);
        this.staticPath = !fixed ? null : path.length() == 0 ? "/" : path.toString();
    }

    static PathPattern parse(String pattern) {
        if (!pattern.startsWith("/")) {
            throw invalid(pattern, "must start with \"/\"");
        }
        // The trailing slash is insignificant ("/users/" == "/users"); the root "/" has no segments at all.
        String body = pattern.substring(1);
        if (body.endsWith("/")) {
            body = body.substring(0, body.length() - 1);
        }
        List<Segment> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (!body.isEmpty()) {
            String[] texts = body.split("/", -1);
            for (int i = 0; i < texts.length; i++) {
                Segment segment = parseSegment(pattern, texts[i]);
                if (segment.type() == Type.WILDCARD && i < texts.length - 1) {
                    throw invalid(pattern, "wildcard " + texts[i] + " must be the last segment");
                }
                if (segment.type() != Type.STATIC && segment.value() != null && !names.add(segment.value())) {
                    throw invalid(pattern, "parameter name \"" + segment.value() + "\" is used twice");
                }
                segments.add(segment);
            }
        }
        return new PathPattern(pattern, segments);
    }

    private static Segment parseSegment(String pattern, String text) {
        if (text.isEmpty()) {
            throw invalid(pattern, "empty segment");
        }
        if (text.equals("*")) {
            return new Segment(Type.WILDCARD, null);
        }
        if (text.indexOf('{') < 0 && text.indexOf('}') < 0) {
            return new Segment(Type.STATIC, text);
        }
        // Only a whole-segment "{name}" or "{*name}": exactly one '{' first and one '}' last.
        if (text.lastIndexOf('{') != 0 || text.indexOf('}') != text.length() - 1) {
            throw invalid(pattern, "segment \"" + text
                    + "\" mixes text and braces; a parameter must be a whole segment like {name}");
        }
        String inner = text.substring(1, text.length() - 1);
        boolean wildcard = inner.startsWith("*");
        String name = wildcard ? inner.substring(1) : inner;
        if (name.isEmpty()) {
            throw invalid(pattern, "empty parameter name in \"" + text + "\"");
        }
        if (!isIdentifier(name)) {
            throw invalid(pattern, "parameter name \"" + name + "\" is not a Java-like identifier");
        }
        return new Segment(wildcard ? Type.WILDCARD : Type.PARAM, name);
    }

    private static boolean isIdentifier(String name) {
        if (!Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String pattern, String problem) {
        return new IllegalArgumentException("invalid route pattern \"" + pattern + "\": " + problem);
    }

    String source() {
        return source;
    }

    List<Segment> segments() {
        return segments;
    }

    String[] names() {
        return names;
    }

    String staticPath() {
        return staticPath;
    }

    /**
     * Reads this pattern's parameter values, in the order of {@link #names}, out of a path the router has
     * already matched against it, so the trie walk itself never has to record captures while it backtracks.
     */
    String[] values(String path) {
        String[] values = new String[names.length];
        int next = 0;
        int pos = 0;
        for (Segment segment : segments) {
            int start = skipSlashes(path, pos);
            if (segment.type() == Type.WILDCARD) {
                if (segment.value() != null) {
                    values[next] = rest(path, start);
                }
                break;
            }
            pos = segmentEnd(path, start);
            if (segment.type() == Type.PARAM) {
                values[next++] = path.substring(start, pos);
            }
        }
        return values;
    }

    /** The remaining segments joined by single slashes, so "a//b/" reads as "a/b" like the router saw it. */
    private static String rest(String path, int start) {
        int end = path.length();
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        int doubleSlash = path.indexOf("//", start);
        if (doubleSlash < 0 || doubleSlash >= end) {
            return path.substring(start, end);
        }
        StringBuilder joined = new StringBuilder(end - start);
        for (int pos = start; pos < end; pos = skipSlashes(path, pos)) {
            int segmentEnd = segmentEnd(path, pos);
            if (joined.length() > 0) {
                joined.append('/');
            }
            joined.append(path, pos, segmentEnd);
            pos = segmentEnd;
        }
        return joined.toString();
    }

    /** Index of the next segment's first character, or the path length when no segment remains. */
    static int skipSlashes(String path, int pos) {
        while (pos < path.length() && path.charAt(pos) == '/') {
            pos++;
        }
        return pos;
    }

    /** Index just past the segment starting at {@code start}. */
    static int segmentEnd(String path, int start) {
        int slash = path.indexOf('/', start);
        return slash < 0 ? path.length() : slash;
    }
}
