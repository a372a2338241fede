package io.portcullis.engine.detect;

import java.util.List;
import java.util.Locale;

/**
 * XPath injection: a value that leaves the string or predicate it was put in and goes on as XPath,
 * with the functions, axes and node tests that only XPath has ({@code count(/*)}, {@code //*},
 * {@code name(..)}). The plain tautology {@code ' or '1'='1} reads as SQL as well and is found there.
 */
public final class XPathInjectionDetector implements Detector {

    public static final String FAMILY = "XPATH_INJECTION";

    private static final List<String> XPATH = List.of("count(", "name(", "string-length(", "substring(", "contains(",
            "starts-with(", "text()", "node()", "position()", "last()", "local-name(", "normalize-space(", "translate(",
            "string(", "doc(", "document(", "boolean(", "concat(", "//*", "/*", "::", "codepoints-to-string(",
            "string-to-codepoints(", "namespace-uri(", "number(", "sum(", "lower-case(", "upper-case(", "exists(",
            "doc-available(", "unparsed-text(", "environment-variable(", "//", "(:");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of("'", "\"", "]", "|");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        for (String form : forms) {
            String v = form.toLowerCase(Locale.ROOT).replace(" ", "");
            int quote = Math.min(index(v, '\''), index(v, '"'));
            int predicate = v.indexOf(']');
            int leave = Math.min(quote, predicate < 0 ? Integer.MAX_VALUE : predicate);
            if (leave == Integer.MAX_VALUE) {
                continue;
            }
            String after = v.substring(leave);
            boolean joined = after.contains("or") || after.contains("and") || after.contains("|") || after.contains("[");
            if (!joined) {
                continue;
            }
            for (String marker : XPATH) {
                int at = after.indexOf(marker);
                if (at >= 0 && !(marker.equals("//") && after.contains("://"))) {
                    signals.report(100, 1, "string left for XPath " + marker.replace("(", "()").replace("()()", "()"));
                    return;
                }
            }
            if (after.startsWith("]|") || after.startsWith("']|") || after.startsWith("\"]|") || after.contains("')]|")) {
                signals.report(100, 1, "predicate left for a union of paths");
                return;
            }
        }
    }

    private static int index(String v, char c) {
        int at = v.indexOf(c);
        return at < 0 ? Integer.MAX_VALUE : at;
    }
}
