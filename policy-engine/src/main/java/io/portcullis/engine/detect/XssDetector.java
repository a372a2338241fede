package io.portcullis.engine.detect;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-site scripting, found by reading the value as a browser would in the places it may land:
 * as HTML (tags, their event-handler and URL attributes), inside an attribute it breaks out of,
 * as a URL ({@code javascript:}), inside a script it breaks out of, and as a client-side template.
 * A lone {@code <} or {@code &} is prose ("a < b", "AT&T"); markup is not.
 */
public final class XssDetector implements Detector {

    public static final String FAMILY = "XSS";

    private static final Set<String> SCRIPT_TAGS = Set.of("script", "iframe", "frame", "frameset", "object", "embed",
            "applet", "base", "import", "portal", "xss", "xml", "vmlframe", "layer", "ilayer", "bgsound");
    private static final Set<String> ACTIVE_TAGS = Set.of("svg", "math", "style", "meta", "link", "form", "isindex",
            "template", "noscript", "animate", "set", "handler", "listener");
    private static final Set<String> HTML_TAGS = Set.of("a", "b", "i", "u", "p", "s", "q", "div", "span", "img", "image",
            "body", "input", "video", "audio", "source", "details", "summary", "marquee", "select", "textarea", "button",
            "table", "td", "tr", "th", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "font", "html",
            "head", "title", "keygen", "option", "label", "dialog", "track", "area", "map", "picture", "canvas",
            "blink", "center", "pre", "code", "ul", "ol", "li", "abbr", "address", "article", "aside", "nav", "section",
            "header", "footer", "main", "figure", "output", "progress", "meter", "object", "param", "x", "dir", "menu",
            "plaintext", "xmp", "listing", "noembed", "noframes", "textpath", "foreignobject", "use", "feimage");
    private static final Set<String> URL_ATTRIBUTES = Set.of("src", "href", "action", "formaction", "data", "xlink:href",
            "background", "dynsrc", "lowsrc", "poster", "code", "codebase", "srcset", "from", "to", "values", "by",
            "content", "ping", "cite", "longdesc", "usemap", "manifest", "icon", "archive", "classid", "folder", "value",
            "attributename", "begin", "xmlns");
    private static final List<String> SCRIPT_SCHEMES = List.of("javascript:", "vbscript:", "livescript:", "mocha:",
            "data:text/html", "data:image/svg", "data:application/x-javascript", "data:text/javascript",
            "data:application/javascript", "data:text/xml", "data:application/xhtml");
    /** What injected script does: call these, or reach these objects. */
    private static final List<String> SINKS = List.of("alert", "prompt", "confirm", "eval", "settimeout", "setinterval",
            "function(", "constructor", "fetch(", "document.cookie", "document.domain", "document.write",
            "document.location", "document.body", "window.location", "window.open", "window.name", "location.href",
            "location.assign", "location.replace", "location=", "location =", "fromcharcode", "atob(", "import(",
            "top[", "self[", "parent[", "globalthis", "innerhtml", "outerhtml", "xmlhttprequest", "sendbeacon",
            "new image", ".src=", "print(", "open(", "debugger", "onerror=", "string.raw", "reflect.");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        List<String> triggers = new java.util.ArrayList<>(List.of("<", ">", "${", "script", "javascript", "vbscript",
                "data:", "{{", "'", "\"", "`", "expression(", "-moz-binding", "behavior:"));
        EVENTS.forEach(event -> triggers.add("on" + event));
        return triggers;
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        int best = 0;
        String evidence = "";
        for (String form : forms) {
            String lower = form.toLowerCase(Locale.ROOT);
            // Without the spaces, controls and quotes browsers skip inside schemes and CSS: made once per form.
            String compact = compactAll(lower);
            int[] score = {0};
            String[] found = {""};
            tags(lower, score, found);
            scheme(compact, score, found);
            attributeBreakout(lower, score, found);
            scriptBreakout(lower, score, found);
            template(lower, score, found);
            css(lower, compact, score, found);
            if (score[0] > best) {
                best = score[0];
                evidence = found[0];
            }
        }
        if (best > 0) {
            signals.report(best, best >= 60 ? 1 : 2, evidence);
        }
    }

    private static void raise(int[] score, String[] found, int points, String evidence) {
        if (points > score[0]) {
            score[0] = points;
            found[0] = evidence;
        }
    }

    /** Every tag in the value: what it is, and whether it carries handlers or script URLs. */
    private static void tags(String v, int[] score, String[] found) {
        int i = v.indexOf('<');
        while (i >= 0 && i < v.length() - 1) {
            int next = i + 1;
            int start = i + 1;
            if (v.charAt(start) == '/') {
                start++;
            }
            // A tag name runs to whitespace, / or > as browsers read it: <x_ onfocus=..> is an element too.
            int end = start;
            while (end < v.length() && !Character.isWhitespace(v.charAt(end)) && v.charAt(end) != '/'
                    && v.charAt(end) != '>' && v.charAt(end) != '\u000c' && v.charAt(end) != '<') {
                end++;
            }
            if (end > start && Character.isLetter(v.charAt(start))) {
                String name = v.substring(start, end);
                int colon = name.indexOf(':');
                String local = colon >= 0 ? name.substring(colon + 1) : name;
                char after = end < v.length() ? v.charAt(end) : 0;
                boolean tagLike = after == 0 || after == '>' || after == '/' || Character.isWhitespace(after) || after == '\u000c';
                if (tagLike) {
                    if (SCRIPT_TAGS.contains(local)) {
                        raise(score, found, 100, "<" + local + "> tag");
                    } else if (ACTIVE_TAGS.contains(local)) {
                        raise(score, found, 60, "<" + local + "> tag");
                    } else if (HTML_TAGS.contains(local) && (after == '>' || after == '/')) {
                        raise(score, found, 30, "HTML tag");
                    }
                    next = Math.max(next, attributes(v, end, score, found));
                }
            }
            i = v.indexOf('<', next);
        }
    }

    /** The attributes of a tag opened before {@code from}, up to its end; returns where they end. */
    private static int attributes(String v, int from, int[] score, String[] found) {
        // Linear overall: the caller goes on from where this stops.
        int close = v.indexOf('>', from);
        int end = close < 0 ? v.length() : close;
        int i = from;
        while (i < end) {
            while (i < end && (Character.isWhitespace(v.charAt(i)) || v.charAt(i) == '/' || v.charAt(i) == '"'
                    || v.charAt(i) == '\'' || v.charAt(i) == '\u000c')) {
                i++;
            }
            int nameStart = i;
            while (i < end && !Character.isWhitespace(v.charAt(i)) && v.charAt(i) != '=' && v.charAt(i) != '/') {
                i++;
            }
            String name = v.substring(nameStart, i);
            while (i < end && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            if (i >= end || v.charAt(i) != '=') {
                if (name.isEmpty()) {
                    i++;
                }
                continue;
            }
            i++;
            while (i < end && Character.isWhitespace(v.charAt(i))) {
                i++;
            }
            int valueStart = i;
            char quote = i < end ? v.charAt(i) : 0;
            if (quote == '"' || quote == '\'' || quote == '`') {
                int q = v.indexOf(quote, i + 1);
                i = q < 0 ? v.length() : q + 1;
                if (close >= 0 && close < i) {
                    int next = v.indexOf('>', i);
                    end = next < 0 ? v.length() : next;
                }
            } else {
                while (i < end && !Character.isWhitespace(v.charAt(i))) {
                    i++;
                }
            }
            String attributeValue = v.substring(valueStart, Math.max(valueStart, Math.min(i, v.length())));
            if (name.startsWith("on") && name.length() > 4) {
                raise(score, found, 100, "event handler " + shortName(name));
            } else if ((name.startsWith("ng-") || name.startsWith("v-on") || name.startsWith("x-on") || name.startsWith("@")
                    || name.startsWith("(")) && scriptFollows(attributeValue, 0, 200)) {
                raise(score, found, 100, "framework event binding " + shortName(name));
            } else if (URL_ATTRIBUTES.contains(name) && startsWithScriptScheme(compact(attributeValue))) {
                raise(score, found, 100, "script URL in " + shortName(name));
            } else if (name.equals("srcdoc")) {
                raise(score, found, 100, "srcdoc attribute");
            } else if (name.equals("style") && styleScript(attributeValue)) {
                raise(score, found, 100, "script in style");
            }
        }
        return end;
    }

    /** Browsers ignore tabs, newlines and controls inside a scheme, and quotes open the attribute. */
    private static String compact(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64));
        for (int i = 0; i < value.length() && out.length() < 64; i++) {
            char c = value.charAt(i);
            if (c > ' ' && c != '"' && c != '\'' && c != '`' && c != '\u00a0') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean startsWithScriptScheme(String compact) {
        for (String scheme : SCRIPT_SCHEMES) {
            if (compact.startsWith(scheme)) {
                return true;
            }
        }
        return false;
    }

    /** {@code javascript:} where a browser would follow it: the whole value, or after = ( or a quote. */
    private static void scheme(String compact, int[] score, String[] found) {
        for (String scheme : SCRIPT_SCHEMES) {
            int at = compact.indexOf(scheme);
            while (at >= 0) {
                char before = at == 0 ? 0 : compact.charAt(at - 1);
                int after = at + scheme.length();
                boolean followed = after < compact.length();
                // "JavaScript: The Good Parts" names a book; javascript:alert(1) runs.
                if (followed && (at == 0 || before == '=' || before == '(' || before == '>' || before == ',')
                        && scriptFollows(compact, after, 120)) {
                    raise(score, found, 100, "script URL");
                    return;
                }
                at = compact.indexOf(scheme, at + 1);
            }
        }
    }

    private static String compactAll(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > ' ' && c != '"' && c != '\'' && c != '`' && c != '\u00a0') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code " autofocus onfocus=alert(1) x="}: a value that leaves the attribute it was put in. */
    private static void attributeBreakout(String v, int[] score, String[] found) {
        boolean quoted = firstQuote(v) >= 0;
        int i = v.indexOf("on");
        while (i >= 0) {
            char before = i == 0 ? 0 : v.charAt(i - 1);
            int end = i + 2;
            while (end < v.length() && Character.isLetter(v.charAt(end))) {
                end++;
            }
            boolean separated = before == 0 || Character.isWhitespace(before) || before == '/' || before == '"'
                    || before == '\'' || before == '`';
            if (separated && end - i >= 5) {
                int equals = end;
                while (equals < v.length() && equals < end + 8 && Character.isWhitespace(v.charAt(equals))) {
                    equals++;
                }
                String handler = v.substring(i + 2, end);
                // Quoted, any on...= handler that runs script leaves the attribute; unquoted, only the real DOM events.
                if (equals < v.length() && v.charAt(equals) == '=' && (quoted || EVENTS.contains(handler))
                        && scriptFollows(v, equals + 1, 80)) {
                    raise(score, found, 100, "attribute handler on" + shortName(handler));
                    return;
                }
            }
            i = v.indexOf("on", end);
        }
    }

    private static String shortName(String name) {
        return name.length() <= 24 ? name : name.substring(0, 24) + "~";
    }

    /** The DOM events injected handlers use; an unquoted {@code onfocus=} needs no quote to break out of. */
    static final Set<String> EVENTS = Set.of("abort", "afterprint", "animationend", "animationiteration",
            "animationstart", "auxclick", "beforecopy", "beforecut", "beforeinput", "beforepaste", "beforeprint",
            "beforetoggle", "beforeunload", "begin", "blur", "canplay", "canplaythrough", "change", "click", "close",
            "contextmenu", "copy", "cuechange", "cut", "dblclick", "drag", "dragend", "dragenter", "dragleave", "dragover",
            "dragstart", "drop", "durationchange", "end", "ended", "error", "focus", "focusin", "focusout", "formdata",
            "fullscreenchange", "hashchange", "input", "invalid", "keydown", "keypress", "keyup", "load", "loadeddata",
            "loadedmetadata", "loadstart", "message", "mousedown", "mouseenter", "mouseleave", "mousemove", "mouseout",
            "mouseover", "mouseup", "mousewheel", "pagehide", "pageshow", "paste", "pause", "play", "playing",
            "pointercancel", "pointerdown", "pointerenter", "pointerleave", "pointermove", "pointerout", "pointerover",
            "pointerrawupdate", "pointerup", "popstate", "progress", "ratechange", "repeat", "reset", "resize", "scroll",
            "scrollend", "search", "securitypolicyviolation", "seeked", "seeking", "select", "selectionchange",
            "selectstart", "show", "stalled", "start", "storage", "submit", "suspend", "timeupdate", "toggle",
            "touchend", "touchmove", "touchstart", "transitioncancel", "transitionend", "transitionrun",
            "transitionstart", "unload", "volumechange", "waiting", "wheel", "finish", "bounce");

    private static int firstQuote(String v) {
        int best = -1;
        for (char q : new char[] {'"', '\'', '`'}) {
            int at = v.indexOf(q);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    private static boolean scriptFollows(String v, int from, int window) {
        String ahead = v.substring(Math.min(from, v.length()), Math.min(v.length(), from + window));
        if (ahead.indexOf('(') >= 0 || ahead.indexOf('`') >= 0) {
            return true;
        }
        for (String sink : SINKS) {
            if (ahead.contains(sink)) {
                return true;
            }
        }
        return false;
    }

    /** {@code ';alert(1)//} or {@code </script><script>}: a value that leaves a string in a script. */
    private static void scriptBreakout(String v, int[] score, String[] found) {
        boolean leaves = v.contains("</script") || firstQuote(v) >= 0 || v.contains("-->");
        if (!leaves) {
            return;
        }
        int breakAt = firstBreak(v);
        for (String sink : SINKS) {
            int at = v.indexOf(sink);
            while (at >= 0) {
                int after = at + sink.length();
                char next = after < v.length() ? v.charAt(after) : 0;
                // A word sink runs only when called: "confirm(1)", "alert`1`", not "That's fine, confirm."
                boolean word = Character.isLetter(sink.charAt(sink.length() - 1));
                boolean called = !word || next == '(' || next == '`' || next == '='
                        || (next == '.' || next == '[') && (sink.equals("constructor") || sink.equals("globalthis"));
                char before = at == 0 ? 0 : v.charAt(at - 1);
                boolean joined = at > 0 && "';\"`-+*/|&(,{}=:!^~%?<>)[".indexOf(before) >= 0
                        || at > 1 && Character.isWhitespace(before) && "';\"`-+*/|&(,{}=".indexOf(v.charAt(at - 2)) >= 0;
                if (called && joined && breakAt < at) {
                    raise(score, found, 100, "script breakout calling " + sink.replace("(", ""));
                    return;
                }
                at = v.indexOf(sink, at + 1);
            }
        }
    }

    /** Where the value first leaves a string or statement it may sit in. */
    private static int firstBreak(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\'' || c == '"' || c == '`' || c == '<' || c == '>' || c == ';' || c == '}') {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Client-side template expressions that reach the Function constructor (AngularJS and its kin). */
    private static void template(String v, int[] score, String[] found) {
        int literal = v.indexOf("${");
        if (literal >= 0 && scriptCall(v.substring(literal, Math.min(v.length(), literal + 200)))) {
            raise(score, found, 100, "template literal expression");
        }
        int open = v.indexOf("{{");
        if (open < 0) {
            return;
        }
        int close = v.indexOf("}}", open + 2);
        String inside = v.substring(open, close < 0 ? Math.min(v.length(), open + 512) : close);
        if (inside.contains("constructor") || inside.contains("$on") || inside.contains("$eval") || inside.contains("alert")
                || inside.contains("__proto__") || inside.contains("$parent") || inside.contains("fromcharcode")
                || inside.contains("prompt") || inside.contains("$emit") || inside.contains("window")) {
            raise(score, found, 100, "template expression");
        }
    }

    /** A call of a script sink: {@code alert(1)}, {@code alert`1`}. */
    private static boolean scriptCall(String v) {
        for (String sink : List.of("alert", "prompt", "confirm", "eval", "fetch", "settimeout", "import")) {
            int at = v.indexOf(sink);
            int after = at + sink.length();
            if (at >= 0 && after < v.length() && (v.charAt(after) == '(' || v.charAt(after) == '`')) {
                return true;
            }
        }
        return false;
    }

    private static void css(String v, String compact, int[] score, String[] found) {
        if (compactStyleScript(compact) && (v.contains("style") || v.contains(":") || v.contains("{"))) {
            raise(score, found, 100, "script in CSS");
        }
    }

    private static boolean styleScript(String v) {
        return compactStyleScript(compactAll(v));
    }

    private static boolean compactStyleScript(String compact) {
        return compact.contains("expression(") || compact.contains("-moz-binding") || compact.contains("behavior:url")
                || compact.contains("url(javascript:") || compact.contains("@import'javascript") || compact.contains("url(data:text/html");
    }
}
