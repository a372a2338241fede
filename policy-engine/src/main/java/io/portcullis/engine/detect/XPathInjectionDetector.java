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

    /** Calls only XPath makes: the name, then an argument as XPath writes it. */
    private static final List<String> FUNCTIONS = List.of("count(", "name(", "string-length(", "substring(", "contains(",
            "starts-with(", "local-name(", "normalize-space(", "translate(", "string(", "doc(", "document(", "boolean(",
            "concat(", "codepoints-to-string(", "string-to-codepoints(", "namespace-uri(", "number(", "sum(",
            "lower-case(", "upper-case(", "exists(", "doc-available(", "unparsed-text(", "environment-variable(");
    /** Node tests, axes and path steps. */
    private static final List<String> PATHS = List.of("text()", "node()", "position()", "last()", "true()", "false()",
            "/*", "//*", "child::", "descendant::", "parent::", "ancestor::", "following::", "preceding::", "self::",
            "attribute::", "following-sibling::", "preceding-sibling::", "descendant-or-self::");

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
            String v = form.toLowerCase(Locale.ROOT);
            int quote = Math.min(index(v, '\''), index(v, '"'));
            int predicate = v.indexOf(']');
            int leave = Math.min(quote, predicate < 0 ? Integer.MAX_VALUE : predicate);
            if (leave == Integer.MAX_VALUE) {
                continue;
            }
            String after = v.substring(leave);
            if (!word(after, "or") && !word(after, "and") && after.indexOf('|') < 0 && after.indexOf('[') < 0) {
                continue;
            }
            String found = xpath(after);
            if (found != null) {
                signals.report(100, 1, "string left for XPath " + found);
                return;
            }
            String compact = after.replace(" ", "");
            if (compact.startsWith("]|") || compact.startsWith("']|") || compact.startsWith("\"]|") || compact.contains("')]|")) {
                signals.report(100, 1, "predicate left for a union of paths");
                return;
            }
        }
    }

    /** "or" as a word, not inside "forget": XPath needs it apart from its operands. */
    private static boolean word(String v, String word) {
        int at = v.indexOf(word);
        while (at >= 0) {
            int end = at + word.length();
            if ((at == 0 || !Character.isLetter(v.charAt(at - 1))) && (end == v.length() || !Character.isLetter(v.charAt(end)))) {
                return true;
            }
            at = v.indexOf(word, at + 1);
        }
        return false;
    }

    /** The XPath construct in the text, or null: "name (as on card)" is prose, name(/*[1]) is not. */
    private static String xpath(String v) {
        for (String function : FUNCTIONS) {
            int at = v.indexOf(function);
            while (at >= 0) {
                int after = at + function.length();
                char next = after < v.length() ? v.charAt(after) : 0;
                // XPath functions are never methods: df["x"].sum() is code, not XPath
                boolean boundary = at == 0 || !Character.isLetterOrDigit(v.charAt(at - 1)) && v.charAt(at - 1) != '-'
                        && v.charAt(at - 1) != '.';
                if (boundary && ("/.)'\"*@$".indexOf(next) >= 0 && next != 0 || Character.isDigit(next))) {
                    return function + ")";
                }
                at = v.indexOf(function, after);
            }
        }
        for (String path : PATHS) {
            int at = v.indexOf(path);
            if (at >= 0 && (at == 0 || !Character.isLetterOrDigit(v.charAt(at - 1)))
                    && !(path.startsWith("/") && at > 0 && v.charAt(at - 1) == ':')) {
                return path;
            }
        }
        // //user, //@password: a descendant step (not the // of a URL)
        int step = v.indexOf("//");
        while (step >= 0) {
            char before = step == 0 ? ' ' : v.charAt(step - 1);
            char after = step + 2 < v.length() ? v.charAt(step + 2) : 0;
            if (before != ':' && " '\"(|[".indexOf(before) >= 0 && (Character.isLetter(after) || after == '*' || after == '@')) {
                return "//" + (after == '*' ? "*" : "step");
            }
            step = v.indexOf("//", step + 2);
        }
        int comment = v.indexOf("(:");
        if (comment >= 0 && v.indexOf(":)", comment + 2) > 0) {
            return "comment";
        }
        return null;
    }

    private static int index(String v, char c) {
        int at = v.indexOf(c);
        return at < 0 ? Integer.MAX_VALUE : at;
    }
}
