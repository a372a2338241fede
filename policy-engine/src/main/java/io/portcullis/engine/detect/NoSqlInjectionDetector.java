package io.portcullis.engine.detect;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * NoSQL operator injection: a query operator where the API expects a plain value, whether the JSON
 * body nests it ({@code {"password": {"$ne": null}}}), a query string spells it the way PHP and
 * Express parse brackets ({@code password[$ne]=}), or a string carries it as JSON text for a
 * back end that parses it again.
 */
public final class NoSqlInjectionDetector implements Detector {

    public static final String FAMILY = "NOSQL_INJECTION";

    /**
     * MongoDB's query and update operators; not {@code $type} (.NET and JSON-LD type hints), nor
     * {@code $search}/{@code $select}/{@code $filter}, which OData clients send as parameter names.
     */
    private static final Set<String> OPERATORS = Set.of("$ne", "$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$nin",
            "$regex", "$where", "$exists", "$expr", "$or", "$and", "$nor", "$not", "$elemmatch", "$function",
            "$accumulator", "$jsonschema", "$size", "$all", "$options", "$mod", "$lookup", "$merge", "$out",
            "$sample", "$group", "$match", "$project", "$unwind", "$set", "$unset", "$rename", "$inc", "$push", "$pull",
            "$addtoset");
    private static final Set<String> CODE_OPERATORS = Set.of("$where", "$function", "$accumulator", "$expr");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of("$", "[", "sleep(", "this.", "return", "while(", "while (", "process.", "db.");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        if (value.source() == InspectedValue.Source.BODY_NAME) {
            // {"password": {"$ne": null}}, or a form field password[$ne]=x as Express and PHP parse it
            String name = value.text().toLowerCase(Locale.ROOT);
            String operator = OPERATORS.contains(name) ? name : operatorIn(name, true);
            if (operator != null) {
                signals.report(100, 1, "query operator " + operator + " in place of a value");
            }
            return;
        }
        for (String form : forms) {
            String v = form.toLowerCase(Locale.ROOT);
            String operator = operatorIn(v, value.source() == InspectedValue.Source.QUERY_NAME);
            if (operator != null) {
                signals.report(100, 1, "query operator " + operator + (CODE_OPERATORS.contains(operator) ? " running code" : ""));
                return;
            }
            if (javascriptBreakout(v)) {
                signals.report(100, 1, "server-side JavaScript in a value");
                return;
            }
        }
    }

    /** An operator as a JSON key ({@code "$ne":}, {@code $ne:}) or a bracketed parameter name ({@code [$ne]}). */
    private static String operatorIn(String v, boolean name) {
        boolean object = v.indexOf('{') >= 0;
        int lastColon = v.lastIndexOf(':');
        int at = v.indexOf('$');
        while (at >= 0) {
            int end = at + 1;
            while (end < v.length() && Character.isLetter(v.charAt(end))) {
                end++;
            }
            String operator = v.substring(at, end);
            if (OPERATORS.contains(operator)) {
                char before = at == 0 ? 0 : v.charAt(at - 1);
                char after = end < v.length() ? v.charAt(end) : 0;
                boolean bracket = before == '[' && after == ']';
                boolean key = (before == '"' || before == '\'' || before == '{' || before == ' ' || before == ',')
                        && (after == '"' || after == '\'' || after == ':' || after == ' ') && object && lastColon >= end;
                if (bracket || key) {
                    return operator;
                }
            }
            at = v.indexOf('$', at + 1);
        }
        return null;
    }

    /** What a {@code $where} clause built from a string runs: {@code '; return true; var x='}, {@code ;sleep(5000)}. */
    private static boolean javascriptBreakout(String v) {
        int quote = Math.max(v.indexOf('\''), v.indexOf('"'));
        int statementEnd = v.indexOf(';');
        // The value must leave the string or statement it was put in, before the code it brings.
        int leaves = quote >= 0 && (statementEnd < 0 || quote < statementEnd) ? quote : statementEnd;
        if (leaves < 0) {
            return false;
        }
        String after = v.substring(leaves).replace(" ", "");
        return after.startsWith("';return") || after.startsWith("\";return") || after.startsWith(";return")
                || after.contains("';return") || after.contains("\";return")
                || (after.contains("||") || after.contains("&&")) && after.contains("this.")
                || after.contains(";sleep(") || after.contains("||sleep(") || after.contains("&&sleep(")
                || after.contains("tojson(db") || after.contains("db.getcollection") || after.contains("while(true)")
                || after.contains("';while(") || after.contains("process.");
    }
}
