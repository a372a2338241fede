package io.portcullis.engine.detect;

import java.util.List;

/**
 * LDAP filter injection: a value that closes the filter clause it was put in and opens another
 * ({@code *)(uid=*))(|(uid=*}), or joins clauses with the filter operators {@code | & !}.
 */
public final class LdapInjectionDetector implements Detector {

    public static final String FAMILY = "LDAP_INJECTION";

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of(")(", "(|", "(&", "(!", "*)", "\u0000");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        // A NUL byte cuts the filter short in C-based directory servers.
        boolean truncated = forms.stream().anyMatch(form -> form.indexOf('\u0000') >= 0);
        for (String form : forms) {
            String v = form.replace(" ", "");
            int lastEquals = v.lastIndexOf('=');
            int at = v.indexOf(")(");
            while (at >= 0) {
                if (clauseStarts(v, at + 2, lastEquals)) {
                    signals.report(100, 1, "filter clause closed and another opened");
                    return;
                }
                at = v.indexOf(")(", at + 1);
            }
            for (String join : new String[] {"(|(", "(&(", "(!("}) {
                int j = v.indexOf(join);
                if (j >= 0 && clauseStarts(v, j + 2, lastEquals) && v.indexOf(')') >= 0) {
                    signals.report(lastEquals > j ? 100 : 80, 1, "filter operator " + join.charAt(1));
                    return;
                }
            }
            if (v.contains("*))") || v.contains("*)\u0000")) {
                signals.report(truncated ? 100 : 80, 1, "wildcard closing a filter clause");
                return;
            }
            if (v.endsWith("*)")) {
                signals.report(60, 1, "wildcard closing a filter clause");
                return;
            }
        }
    }

    /** {@code uid=}, {@code |}, {@code &}, {@code !}, {@code (}: the start of a filter clause. */
    private static boolean clauseStarts(String v, int i, int lastEquals) {
        if (i >= v.length()) {
            return false;
        }
        char c = v.charAt(i);
        if (c == '|' || c == '&' || c == '!' || c == '(') {
            return true;
        }
        int end = i;
        // An attribute name is short; looking further would make a value of many ")(" quadratic.
        while (end < v.length() && end - i < 64 && (Character.isLetterOrDigit(v.charAt(end)) || v.charAt(end) == '-'
                || v.charAt(end) == '.' || v.charAt(end) == ';')) {
            end++;
        }
        if (end == i || end >= v.length()) {
            return end == i && c == ')';
        }
        char op = v.charAt(end);
        return op == '=' || (op == '~' || op == '<' || op == '>' || op == ':') && end + 1 < v.length() && lastEquals > end;
    }
}
