package io.portcullis.soap;

import io.portcullis.engine.adapter.OperationDeclaration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * One SOAP route: the operations it serves and the XML limits its messages must keep.
 *
 * @param operations declarations of the body elements served, as {@code {namespace}LocalName},
 *                   optionally named for rules ({@code {urn:portcullis:demo-bank}Transfer as transfer});
 *                   any other body element is the operation {@code UNDECLARED}
 */
public record SoapRouteSettings(String route, List<String> operations, XmlLimits limits) {

    public SoapRouteSettings {
        Objects.requireNonNull(route, "route");
        operations = List.copyOf(operations);
        Objects.requireNonNull(limits, "limits");
        operationNames(operations);
    }

    /** Operation names by body element; {@code @throws IllegalArgumentException} naming a malformed declaration. */
    Map<QName, String> operationNames() {
        return operationNames(operations);
    }

    private static Map<QName, String> operationNames(List<String> operations) {
        Map<QName, String> names = new LinkedHashMap<>();
        for (String declaration : operations) {
            OperationDeclaration declared = OperationDeclaration.parse(declaration);
            String pattern = declared.pattern();
            if (!pattern.matches("\\{[^{}\\s]+}[A-Za-z_][\\w.-]*")) {
                throw new IllegalArgumentException("operation '" + declaration
                        + "' must name a body element as {namespace}LocalName, e.g. {urn:portcullis:demo-bank}Transfer");
            }
            if (names.put(QName.valueOf(pattern), declared.name()) != null) {
                throw new IllegalArgumentException("operation '" + declaration + "' is declared twice");
            }
        }
        return Map.copyOf(names);
    }
}
