package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.Source;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A SOAP service's contract, from its WSDL 1.1 (the schemas in {@code wsdl:types} and the SOAP
 * actions of its binding) or from a plain XSD: the positive security model for request bodies.
 * A body element the schema does not declare, or content it does not allow, is refused; so is a
 * request whose SOAPAction names another operation than its body (SOAPAction spoofing: a service
 * that dispatches on the action would run what the rules never saw).
 *
 * <p>Refusals name the offending element's path from the operation element ({@code /amount}),
 * never its value. Load once per route ({@link #load}); {@link #check} is safe from any thread.
 */
public final class ServiceSchema {

    /** The body is not valid against the service's schema (or declares no such operation). */
    public static final String SCHEMA_INVALID = "SOAP_SCHEMA_INVALID";
    /** The SOAPAction names another operation than the body element. */
    public static final String ACTION_MISMATCH = "SOAP_ACTION_MISMATCH";

    private static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    private static final String WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static final String WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    private static final String CURRENT_ELEMENT = "http://apache.org/xml/properties/dom/current-element-node";

    private final Schema schema;
    private final Map<QName, String> actions;
    private final java.util.Set<SoapVersion> versions;
    // A Validator is not thread-safe and not free to make; each request thread keeps its own.
    private final ThreadLocal<Validator> validators;

    private ServiceSchema(Schema schema, Map<QName, String> actions, java.util.Set<SoapVersion> versions) {
        this.schema = schema;
        this.actions = Map.copyOf(actions);
        this.versions = java.util.Set.copyOf(versions);
        this.validators = ThreadLocal.withInitial(this::newValidator);
    }

    private Validator newValidator() {
        Validator validator = schema.newValidator();
        try {
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's schema validator cannot be hardened", e);
        }
        validator.setErrorHandler(SoapEnvelopeReader.RETHROW);
        return validator;
    }

    /**
     * @param file a WSDL 1.1 document or an XSD; imports and includes may name files beside it
     * @throws IOException naming the file when it cannot be read or holds no valid schema
     */
    public static ServiceSchema load(Path file) throws IOException {
        Document document = parse(file);
        Element root = document.getDocumentElement();
        List<Source> schemas = new ArrayList<>();
        Map<QName, String> actions = new HashMap<>();
        java.util.Set<SoapVersion> versions = java.util.EnumSet.allOf(SoapVersion.class);
        if (WSDL.equals(root.getNamespaceURI()) && "definitions".equals(root.getLocalName())) {
            for (Element types : children(root, WSDL, "types")) {
                for (Element schema : children(types, XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema")) {
                    schemas.add(new DOMSource(standalone(schema), file.toUri().toString()));
                }
            }
            actions.putAll(actions(root));
            java.util.Set<SoapVersion> bound = versions(root);
            if (!bound.isEmpty()) {
                versions = bound;
            }
        } else if (XMLConstants.W3C_XML_SCHEMA_NS_URI.equals(root.getNamespaceURI()) && "schema".equals(root.getLocalName())) {
            schemas.add(new DOMSource(document, file.toUri().toString()));
        } else {
            throw new IOException(file + " is neither a WSDL 1.1 document nor an XML schema");
        }
        if (schemas.isEmpty()) {
            throw new IOException(file + " declares no schema in wsdl:types");
        }
        try {
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // The contract is configuration and may import files beside it; nothing over the network.
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            return new ServiceSchema(factory.newSchema(schemas.toArray(Source[]::new)), actions, versions);
        } catch (SAXException e) {
            throw new IOException(file + " holds no valid schema: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the service has a binding for this SOAP version (a plain XSD says nothing of versions:
     * both). A message in another version would be judged by the gateway and then refused by the
     * service with a fault in its own version that names its stack.
     */
    public boolean speaks(SoapVersion version) {
        return versions.contains(version);
    }

    /**
     * @param operation the Body's first element, after WS-Security processing
     * @param action    the request's SOAPAction (or SOAP 1.2 action parameter), or null
     * @throws RequestRejectedException 400 {@link #SCHEMA_INVALID} or {@link #ACTION_MISMATCH}
     */
    public void check(Element operation, String action) throws RequestRejectedException {
        QName name = new QName(operation.getNamespaceURI() == null ? "" : operation.getNamespaceURI(), operation.getLocalName());
        String expected = actions.get(name);
        if (action != null && !action.isEmpty() && expected != null && !expected.isEmpty() && !expected.equals(action)) {
            throw new RequestRejectedException(400, ACTION_MISMATCH, "The SOAPAction does not match the operation in the body.");
        }
        Validator validator = validators.get();
        try {
            validator.validate(new DOMSource(operation));
        } catch (SAXParseException e) {
            Node at = null;
            try {
                at = (Node) validator.getProperty(CURRENT_ELEMENT);
            } catch (SAXException unsupported) {
                // The JDK's validator supports it; another one simply gives no path.
            }
            throw new RequestRejectedException(400, SCHEMA_INVALID,
                    "The request does not match the service's schema" + (at instanceof Element element
                            ? " at " + path(operation, element) : "") + ".");
        } catch (SAXException | IOException e) {
            throw new RequestRejectedException(400, SCHEMA_INVALID, "The request does not match the service's schema.");
        }
    }

    /** The path from the operation element, in the body-value form rules use ({@code /memo/line}). */
    private static String path(Element operation, Element element) {
        if (element == operation) {
            return "/";
        }
        StringBuilder path = new StringBuilder();
        for (Node node = element; node != null && node != operation; node = node.getParentNode()) {
            path.insert(0, "/" + node.getLocalName());
        }
        return path.toString();
    }

    /** Body element → SOAP action, from each document/literal binding operation and its input message. */
    private static Map<QName, String> actions(Element definitions) {
        String target = definitions.getAttribute("targetNamespace");
        Map<String, QName> messageElements = new HashMap<>();
        for (Element message : children(definitions, WSDL, "message")) {
            for (Element part : children(message, WSDL, "part")) {
                if (part.hasAttribute("element")) {
                    messageElements.put(message.getAttribute("name"), resolve(part, part.getAttribute("element")));
                }
            }
        }
        Map<String, QName> inputs = new HashMap<>();
        for (Element portType : children(definitions, WSDL, "portType")) {
            for (Element operation : children(portType, WSDL, "operation")) {
                for (Element input : children(operation, WSDL, "input")) {
                    QName message = resolve(input, input.getAttribute("message"));
                    if (target.equals(message.getNamespaceURI()) && messageElements.containsKey(message.getLocalPart())) {
                        inputs.put(operation.getAttribute("name"), messageElements.get(message.getLocalPart()));
                    }
                }
            }
        }
        Map<QName, String> actions = new LinkedHashMap<>();
        for (Element binding : children(definitions, WSDL, "binding")) {
            for (Element operation : children(binding, WSDL, "operation")) {
                QName element = inputs.get(operation.getAttribute("name"));
                for (String soap : List.of(WSDL_SOAP11, WSDL_SOAP12)) {
                    for (Element soapOperation : children(operation, soap, "operation")) {
                        if (element != null && soapOperation.hasAttribute("soapAction")) {
                            actions.put(element, soapOperation.getAttribute("soapAction"));
                        }
                    }
                }
            }
        }
        return actions;
    }

    /** The SOAP versions the WSDL's bindings are for ({@code soap:binding}, {@code soap12:binding}). */
    private static java.util.Set<SoapVersion> versions(Element definitions) {
        java.util.Set<SoapVersion> versions = java.util.EnumSet.noneOf(SoapVersion.class);
        for (Element binding : children(definitions, WSDL, "binding")) {
            if (!children(binding, WSDL_SOAP11, "binding").isEmpty()) {
                versions.add(SoapVersion.SOAP_1_1);
            }
            if (!children(binding, WSDL_SOAP12, "binding").isEmpty()) {
                versions.add(SoapVersion.SOAP_1_2);
            }
        }
        return versions;
    }

    private static QName resolve(Element scope, String prefixed) {
        int colon = prefixed.indexOf(':');
        String prefix = colon < 0 ? null : prefixed.substring(0, colon);
        String namespace = scope.lookupNamespaceURI(prefix);
        return new QName(namespace == null ? "" : namespace, prefixed.substring(colon + 1));
    }

    /** A copy of an inline schema as its own document, carrying the namespace declarations it inherits. */
    private static Document standalone(Element schema) throws IOException {
        Document document = newDocument();
        Element copy = (Element) document.importNode(schema, true);
        for (Node ancestor = schema.getParentNode(); ancestor instanceof Element element; ancestor = ancestor.getParentNode()) {
            NamedNodeMap attributes = element.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Attr attribute = (Attr) attributes.item(i);
                if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(attribute.getNamespaceURI())
                        && !copy.hasAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, attribute.getLocalName())) {
                    copy.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, attribute.getName(), attribute.getValue());
                }
            }
        }
        document.appendChild(copy);
        return document;
    }

    private static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && namespace.equals(element.getNamespaceURI())
                    && localName.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    private static Document parse(Path file) throws IOException {
        try {
            return newBuilderFactory().newDocumentBuilder().parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(file + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static Document newDocument() throws IOException {
        try {
            return newBuilderFactory().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IOException("XML parser cannot be configured", e);
        }
    }

    /** The same hardening as for requests: the contract is configuration, but a DOCTYPE has no place in it either. */
    private static DocumentBuilderFactory newBuilderFactory() {
        return SoapEnvelopeReader.hardenedFactory();
    }
}
