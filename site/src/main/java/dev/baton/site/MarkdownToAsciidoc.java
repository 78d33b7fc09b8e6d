package dev.baton.site;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Document;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;

/**
 * Renders a CommonMark document (with GitHub's pipe tables) as AsciiDoc. Every piece of text goes through an
 * inline passthrough, so nothing in it is taken for AsciiDoc markup (no attribute references, replacements or
 * macros), and is HTML-escaped as usual. Markdown it does not know is an error, never silently dropped.
 */
final class MarkdownToAsciidoc {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9 ,]*");
    private static final Pattern ABSOLUTE = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    private static final String SEPARATOR = "¦";

    private final String documentId;
    private final Function<String, String> markdownLinks;
    private boolean titled;

    /**
     * @param documentId    the id of the document's first heading
     * @param markdownLinks for a relative link to {@code <name>.md}, the id to link to instead, or null when the
     *                      file is not converted too (the link then becomes plain text)
     */
    MarkdownToAsciidoc(String documentId, Function<String, String> markdownLinks) {
        this.documentId = documentId;
        this.markdownLinks = markdownLinks;
    }

    String convert(Node document) {
        if (!(document instanceof Document)) {
            throw new IllegalArgumentException("not a document: " + document);
        }
        return blocks(document, 0) + "\n";
    }

    private String blocks(Node parent, int listDepth) {
        List<String> out = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            out.add(block(node, listDepth));
        }
        return String.join("\n\n", out);
    }

    private String block(Node node, int listDepth) {
        if (node instanceof Heading heading) {
            String anchor = "";
            if (!titled) {
                titled = true;
                anchor = "[#" + documentId + "]\n";
            }
            return anchor + "=".repeat(heading.getLevel()) + " " + inlines(heading);
        }
        if (node instanceof Paragraph) {
            return inlines(node);
        }
        if (node instanceof ListBlock list) {
            return list(list, listDepth + 1);
        }
        if (node instanceof FencedCodeBlock code) {
            String info = code.getInfo() == null ? "" : code.getInfo().trim();
            String language = info.isEmpty() ? "" : info.split("\\s+")[0];
            return verbatim(language, code.getLiteral());
        }
        if (node instanceof IndentedCodeBlock code) {
            return verbatim("", code.getLiteral());
        }
        if (node instanceof BlockQuote) {
            return "____\n" + blocks(node, 0) + "\n____";
        }
        if (node instanceof ThematicBreak) {
            return "'''";
        }
        if (node instanceof HtmlBlock html) {
            return "++++\n" + stripFinalNewline(html.getLiteral()) + "\n++++";
        }
        if (node instanceof TableBlock) {
            return table(node);
        }
        throw new IllegalArgumentException("unsupported Markdown block: " + node.getClass().getSimpleName());
    }

    private String verbatim(String language, String literal) {
        String body = stripFinalNewline(literal);
        String delimiter = "----";
        while (body.lines().anyMatch(delimiter::equals)) {
            delimiter += "-";
        }
        String style = language.isEmpty() ? "[subs=\"-callouts\"]" : "[source," + language + ",subs=\"-callouts\"]";
        return style + "\n" + delimiter + "\n" + body + "\n" + delimiter;
    }

    private String list(ListBlock list, int depth) {
        String marker = (list instanceof OrderedList ? "." : "*").repeat(depth);
        List<String> items = new ArrayList<>();
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) {
                throw new IllegalArgumentException("unsupported Markdown list content: " + item.getClass().getSimpleName());
            }
            StringBuilder text = new StringBuilder(marker).append(' ');
            Node child = item.getFirstChild();
            if (child instanceof Paragraph) {
                text.append(inlines(child));
                child = child.getNext();
            } else {
                text.append("{empty}");
            }
            for (; child != null; child = child.getNext()) {
                if (child instanceof ListBlock nested) {
                    text.append('\n').append(list(nested, depth + 1));
                } else {
                    text.append("\n+\n").append(block(child, depth));
                }
            }
            items.add(text.toString());
        }
        return String.join("\n", items);
    }

    private String table(Node table) {
        List<String> aligns = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            if (!(section instanceof TableHead) && !(section instanceof TableBody)) {
                throw new IllegalArgumentException("unsupported Markdown table part: " + section.getClass().getSimpleName());
            }
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) {
                    throw new IllegalArgumentException("unsupported Markdown table row: " + row.getClass().getSimpleName());
                }
                StringBuilder line = new StringBuilder();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    TableCell tableCell = (TableCell) cell;
                    if (section instanceof TableHead) {
                        aligns.add(align(tableCell.getAlignment()));
                    }
                    String content = inlines(tableCell);
                    if (content.contains(SEPARATOR)) {
                        throw new IllegalArgumentException("a table cell contains " + SEPARATOR + ", the cell separator");
                    }
                    line.append(SEPARATOR).append(content.isEmpty() ? "" : " " + content).append(' ');
                }
                rows.add(line.toString().stripTrailing());
            }
        }
        if (aligns.isEmpty()) {
            throw new IllegalArgumentException("a table without a header row");
        }
        return "[.bench-table%header%autowidth,cols=\"" + String.join(",", aligns) + "\",separator=" + SEPARATOR + "]\n|===\n"
                + String.join("\n", rows) + "\n|===";
    }

    private static String align(TableCell.Alignment alignment) {
        if (alignment == null) {
            return "<";
        }
        return switch (alignment) {
            case LEFT -> "<";
            case CENTER -> "^";
            case RIGHT -> ">";
        };
    }

    private String inlines(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            out.append(inline(node));
        }
        return out.toString();
    }

    private String inline(Node node) {
        if (node instanceof Text text) {
            return text(text.getLiteral());
        }
        if (node instanceof Code code) {
            return "``" + passthrough(code.getLiteral()) + "``";
        }
        if (node instanceof Emphasis) {
            return "__" + inlines(node) + "__";
        }
        if (node instanceof StrongEmphasis) {
            return "**" + inlines(node) + "**";
        }
        if (node instanceof SoftLineBreak) {
            return " ";
        }
        if (node instanceof HardLineBreak) {
            return " +\n";
        }
        if (node instanceof Link link) {
            return link(link);
        }
        if (node instanceof Image image) {
            return "image:" + passthrough(image.getDestination()) + "[" + text(plainText(image)) + "]";
        }
        if (node instanceof HtmlInline html) {
            return "pass:[" + html.getLiteral().replace("]", "\\]") + "]";
        }
        throw new IllegalArgumentException("unsupported Markdown inline: " + node.getClass().getSimpleName());
    }

    private String link(Link link) {
        String destination = link.getDestination();
        String label = inlines(link);
        if (ABSOLUTE.matcher(destination).matches()) {
            return "link:" + passthrough(destination) + "[" + label + "]";
        }
        String path = destination.contains("#") ? destination.substring(0, destination.indexOf('#')) : destination;
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (file.endsWith(".md")) {
            String id = markdownLinks.apply(BenchResults.name(java.nio.file.Path.of(file)));
            if (id != null) {
                return "<<" + id + "," + label + ">>";
            }
        }
        // A relative link to something that is not part of the site: keep the words, drop the link.
        return label;
    }

    /** Text, kept exactly: plain words as they are, anything else through a passthrough. */
    private static String text(String literal) {
        if (PLAIN.matcher(literal).matches()) {
            return literal;
        }
        int start = 0;
        int end = literal.length();
        while (start < end && literal.charAt(start) == ' ') {
            start++;
        }
        while (end > start && literal.charAt(end - 1) == ' ') {
            end--;
        }
        return literal.substring(0, start) + passthrough(literal.substring(start, end)) + literal.substring(end);
    }

    /** An inline passthrough: only HTML's special characters are escaped, nothing else is interpreted. */
    private static String passthrough(String literal) {
        if (literal.isEmpty()) {
            return "";
        }
        if (!literal.contains("+") && !literal.contains("\n")) {
            return "++" + literal + "++";
        }
        return "pass:c[" + literal.replace("\n", " ").replace("]", "\\]") + "]";
    }

    private static String plainText(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text text) {
                out.append(text.getLiteral());
            } else if (node instanceof Code code) {
                out.append(code.getLiteral());
            } else {
                out.append(plainText(node));
            }
        }
        return out.toString();
    }

    private static String stripFinalNewline(String literal) {
        return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
    }
}
