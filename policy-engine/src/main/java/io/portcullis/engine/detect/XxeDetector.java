package io.portcullis.engine.detect;

import java.util.List;
import java.util.Locale;

/**
 * XML external entities in any value or body that holds XML: a document type with an internal
 * subset, external identifiers or entity declarations, and XInclude. (SOAP bodies never get this
 * far: the SOAP adapter refuses every DTD before parsing.)
 */
public final class XxeDetector implements Detector {

    public static final String FAMILY = "XXE";

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public List<String> triggers() {
        return List.of("<!doctype", "<!entity", "xinclude", "xi:include", "<!attlist", "<!element");
    }

    @Override
    public void inspect(InspectedValue value, List<String> forms, Signals signals) {
        for (String form : forms) {
            String v = form.toLowerCase(Locale.ROOT);
            if (v.contains("<!entity")) {
                signals.report(100, 1, "entity declaration");
                return;
            }
            int doctype = v.indexOf("<!doctype");
            if (doctype >= 0) {
                // The declaration itself, up to its end or its internal subset: <!DOCTYPE html> is HTML's, harmless.
                int end = doctype + 9;
                while (end < v.length() && end < doctype + 1024 && v.charAt(end) != '>' && v.charAt(end) != '[') {
                    end++;
                }
                String declaration = v.substring(doctype, end);
                boolean subset = end < v.length() && v.charAt(end) == '[';
                boolean w3c = declaration.contains("public") && declaration.contains("-//w3c//") && !declaration.contains("system");
                if (subset || declaration.contains("system") || declaration.contains("public") && !w3c) {
                    signals.report(100, 1, "document type with external or internal subset");
                    return;
                }
            }
            if (v.contains("xi:include") || v.contains("http://www.w3.org/2001/xinclude")) {
                signals.report(100, 1, "XInclude");
                return;
            }
            if (v.contains("<!attlist") || v.contains("<!element")) {
                signals.report(60, 1, "markup declaration");
                return;
            }
        }
    }
}
