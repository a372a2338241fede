package io.portcullis.engine.detect;

import java.util.List;
import java.util.Locale;

/**
 * Injection that hurts Java back ends through their expression and lookup languages: Log4j
 * {@code ${jndi:...}} lookups however they are nested to hide the word ({@code ${${lower:j}ndi:}),
 * OGNL, SpEL, Jakarta EL and server-side templates (FreeMarker, Velocity, Thymeleaf, Jinja-like),
 * serialized Java objects and the gadget classes deserializers are tricked into loading, and
 * Spring's class-loader binding ({@code class.module.classLoader}).
 */
public final class ExpressionInjectionDetector implements Detector {

    public static final String FAMILY = "EXPRESSION_INJECTION";

    /** Log4j lookups that reach the network or leak the environment. */
    private static final List<String> LOOKUPS = List.of("${jndi:", "${env:", "${sys:", "${java:", "${ctx:", "${main:",
            "${bundle:", "${k8s:", "${docker:", "${spring:", "${web:", "${log4j:", "${jvmrunargs", "${base64:", "${marker",
            "${event:", "${sd:", "${map:");
    /** Texts only an expression or deserialization attack carries. */
    private static final List<String> MARKERS = List.of("java.lang.runtime", "java.lang.processbuilder",
            "getruntime()", ".exec(", "javax.naming", "initialcontext", "java.net.urlclassloader", "scriptenginemanager",
            "#_memberaccess", "@ognl.", "ognlcontext", "#context[", "#context.", "@java.lang.", "#application[",
            "class.module.classloader", "class.classloader", "classloader.resources", "freemarker.template.utility",
            "?new()", "<#assign", "#set(", "$class.inspect", ".getclass()", ".forname(", "__class__", "__mro__",
            "__subclasses__", "__globals__", "__builtins__", "__import__", "jdbcrowsetimpl", "templatesimpl",
            "invokertransformer", "chainedtransformer", "com.sun.rowset", "org.apache.commons.collections",
            "ch.qos.logback.core.db", "com.mchange.v2.c3p0", "org.apache.xbean", "java.rmi.server", "rmi://", "ldap://",
            "system.windows.data.objectdataprovider", "ysoserial", "javax.script",
            "sun.misc.unsafe", "java.lang.system@", "@java.lang.system", "java.lang.reflect", "t(java.", "t (java.",
            "new java.", "new%20java.", "getclassloader", "defineclass", "pagecontext.", "facescontext.",
            "applicationscope", "sessionscope", "requestscope", "initparam", "{{config", "__${", "*{t(", "url.openstream",
            "springframework.", "org.springframework", "java.io.file", "nashorn", "lang.class", "['classloader']",
            "[\"classloader\"]", "class.module", "{php}", "{system(", "{exec(", "{passthru(", "{shell_exec(");
    /** Serialized Java and .NET objects, as they start: matched in their case, at the start of a token. */
    private static final List<String> SERIALIZED = List.of("rO0AB", "aced0005", "ACED0005", "\\xac\\xed", "AAEAAAD/////");

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        // Every marker is its own trigger, so none can be missed by the prefilter.
        List<String> triggers = new java.util.ArrayList<>(List.of("${", "%{", "#{", "*{", "{{", "{%", "<%", "[[", "<#",
                "#set", "@{"));
        triggers.addAll(LOOKUPS);
        triggers.addAll(MARKERS);
        SERIALIZED.forEach(marker -> triggers.add(marker.toLowerCase(Locale.ROOT)));
        return triggers;
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        for (String form : forms) {
            String v = form.toLowerCase(Locale.ROOT);
            String resolved = v.contains("${") ? resolveLookups(v) : v;
            for (String lookup : LOOKUPS) {
                if (resolved.contains(lookup) || lookup.equals("${jndi:") && resolved.replace(" ", "").contains("jndi:")
                        && v.contains("${")) {
                    signals.report(100, 1, "lookup " + lookup.substring(2, lookup.length() - 1));
                    return;
                }
            }
            for (String marker : MARKERS) {
                int at = v.indexOf(marker);
                // T(java.lang.Runtime) is SpEL; format(java.lang.String) in a Javadoc link is not
                if (at > 0 && marker.startsWith("t") && Character.isLetterOrDigit(v.charAt(at - 1))) {
                    at = -1;
                }
                if (at >= 0) {
                    signals.report(100, 1, "expression or gadget " + marker.replace("(", "").replace(")", ""));
                    return;
                }
            }
            for (String marker : SERIALIZED) {
                int at = form.indexOf(marker);
                while (at >= 0) {
                    char before = at == 0 ? ' ' : form.charAt(at - 1);
                    if (!Character.isLetterOrDigit(before) && before != '+' && before != '/' && before != '=') {
                        signals.report(100, 1, "serialized object");
                        return;
                    }
                    at = form.indexOf(marker, at + 1);
                }
            }
            String template = templateExpression(v);
            if (template != null) {
                signals.report(template.startsWith("template code") ? 100 : 60, 1, template);
                return;
            }
        }
    }

    /**
     * Log4j resolves inner lookups first: {@code ${lower:j}} is "j", {@code ${::-n}} and
     * {@code ${env:X:-d}} fall back to their default. Resolving them the same way shows the word
     * the attacker spelled.
     */
    static String resolveLookups(String v) {
        String current = v;
        int from = 0;
        for (int round = 0; round < 64; round++) {
            int close = current.indexOf('}', from);
            if (close < 0) {
                return current;
            }
            int open = current.lastIndexOf("${", close);
            if (open < 0) {
                from = close + 1; // a brace that closes nothing: "}${jndi:...}"
                round--;
                continue;
            }
            String inner = current.substring(open + 2, close);
            String replacement;
            int fallback = inner.indexOf(":-");
            if (fallback >= 0) {
                replacement = inner.substring(fallback + 2);
            } else if (inner.startsWith("lower:") || inner.startsWith("upper:")) {
                replacement = inner.substring(6);
            } else if (inner.startsWith("date:")) {
                replacement = inner.substring(5).replace("'", "");
            } else {
                // ${jndi:...} itself, or a lookup that keeps its text: go on after it
                from = close + 1;
                continue;
            }
            current = current.substring(0, open) + replacement + current.substring(close + 1);
            from = 0;
        }
        return current;
    }

    private static final java.util.regex.Pattern ARITHMETIC_PROBE =
            java.util.regex.Pattern.compile("\\s*\\d+\\s*[*+/-]\\s*'?\\d+'?\\s*");

    /** What server-side template code calls to reach the system. */
    private static final List<String> TEMPLATE_SINKS = List.of("system(", "popen(", "exec(", "eval(", "spawn(", "open(",
            "require(", "process.", "child_process", "import ", "runtime", "file.", "os.", "subprocess", "getclass",
            "forname", "invoke(", "constructor", "readfile", "file_get_contents", "passthru", "shell_exec", "proc_open",
            "`", "self.__", "config.items", "request.environ", "globals", "builtins", "load(", "io.popen", "kernel.",
            "instance_eval", "send(", "%x(", "io.read", "'system'", "\"system\"", "'exec'", "'passthru'", "'shell_exec'",
            "'popen'", "lipsum.", "cycler.", "joiner.", "namespace.", "self._templatereference", "request.application",
            "header[", "url_for.", "get_flashed_messages");

    /**
     * A template expression that calls into the system ({@code {{os.system('id')}}}, {@code <%= File.open(..) %>})
     * scores as an attack; an arithmetic probe ({@code ${7*7}}) only as a sign of one.
     */
    private static String templateExpression(String v) {
        for (String open : new String[] {"${", "#{", "%{", "*{", "{{", "@{", "{%", "<%", "[[", "#set", "<#"}) {
            int at = v.indexOf(open);
            if (at < 0) {
                continue;
            }
            int close = v.indexOf(open.equals("<%") ? "%>" : open.equals("[[") ? "]]" : "}", at + open.length());
            String inner = v.substring(at + open.length(), close < 0 ? Math.min(v.length(), at + 256) : close);
            for (String sink : TEMPLATE_SINKS) {
                int found = inner.indexOf(sink);
                if (found >= 0 && (found == 0 || !Character.isLetterOrDigit(inner.charAt(found - 1)))) {
                    return "template code calling " + sink.replace("(", "").strip();
                }
            }
            if (close < 0) {
                continue;
            }
            if (ARITHMETIC_PROBE.matcher(inner).matches()) {
                return "template arithmetic probe";
            }
            if (inner.contains("(") && (inner.contains(".") || inner.contains("@") || inner.contains("#"))) {
                return "method call in a template expression";
            }
        }
        return null;
    }
}
