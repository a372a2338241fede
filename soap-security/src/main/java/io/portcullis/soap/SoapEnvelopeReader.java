package io.portcullis.soap;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses a SOAP 1.1 or 1.2 request body into a {@link SoapEnvelope}, refusing everything the
 * gateway will not pass on: XML that is not well-formed, any DOCTYPE (which closes XXE, billion
 * laughs and external DTD fetches in one rule: SOAP forbids DTDs anyway), and XML that is not a
 * SOAP envelope with a non-empty Body.
 *
 * <p>Use one instance per route and call {@link #read(byte[])} from any thread; each call parses
 * with its own {@link DocumentBuilder}. The character encoding comes from the XML declaration or
 * byte order mark, as XML specifies, not from the HTTP content type.
 *
 * <p>Refusals are {@link RequestRejectedException}s with status 400 and one of the reason codes
 * below. Their messages are fixed texts, safe to show the client: the parser's own messages are
 * never passed on because they quote entity names, element names and other input.
 */
public final class SoapEnvelopeReader {

    /** The bytes are not well-formed XML. */
    public static final String XML_MALFORMED = "XML_MALFORMED";
    /** The document has a DOCTYPE declaration. */
    public static final String XML_DTD_FORBIDDEN = "XML_DTD_FORBIDDEN";
    /** Well-formed XML, but not a SOAP envelope with exactly one non-empty Body. */
    public static final String SOAP_ENVELOPE_INVALID = "SOAP_ENVELOPE_INVALID";

    private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    private static final String HEADER = "Header";
    private static final String BODY = "Body";

    // The default handler prints the parser's message, input included, to stderr; this one
    // stops at the first error. Schema validation uses it too.
    static final ErrorHandler RETHROW = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    private final DocumentBuilderFactory factory = hardenedFactory();
    private final XmlThreatScanner threats;

    /** A reader with {@link XmlLimits#DEFAULTS}. */
    public SoapEnvelopeReader() {
        this(XmlLimits.DEFAULTS);
    }

    /** @param limits what a message may contain; checked in a streaming pass before it is parsed */
    public SoapEnvelopeReader(XmlLimits limits) {
        this.threats = new XmlThreatScanner(limits);
    }

    /**
     * @throws RequestRejectedException status 400 with {@link #XML_MALFORMED},
     *                                  {@link #XML_DTD_FORBIDDEN} or {@link #SOAP_ENVELOPE_INVALID}
     */
    public SoapEnvelope read(byte[] body) throws RequestRejectedException {
        Objects.requireNonNull(body, "body");
        Document document = parse(body);
        Element envelope = document.getDocumentElement();
        Optional<SoapVersion> version = "Envelope".equals(envelope.getLocalName())
                ? SoapVersion.forNamespace(envelope.getNamespaceURI())
                : Optional.empty();
        if (version.isEmpty()) {
            throw invalid("The request body is not a SOAP 1.1 or 1.2 envelope.");
        }
        List<Element> children = childElements(envelope);
        Element soapBody = body(children, version.get().namespace());
        Element header = children.get(0) == soapBody ? null : children.get(0);
        checkBody(soapBody);
        return new SoapEnvelope(version.get(), document, header, soapBody);
    }

    /**
     * A Body holds exactly one element and no other text (WS-I Basic Profile R2201): the operation
     * rules decide is then the only one a service can run. Checked again after decryption, which
     * may have put something else in the Body.
     *
     * @throws RequestRejectedException 400 {@link #SOAP_ENVELOPE_INVALID}
     */
    static void checkBody(Element body) throws RequestRejectedException {
        int elements = 0;
        for (Node child = body.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element) {
                elements++;
            } else if ((child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE)
                    && !child.getNodeValue().isBlank()) {
                throw invalid("The SOAP Body holds text outside its element.");
            }
        }
        if (elements == 0) {
            throw invalid("The SOAP Body is empty.");
        }
        if (elements > 1) {
            throw invalid("The SOAP Body must hold exactly one element.");
        }
    }

    private Document parse(byte[] body) throws RequestRejectedException {
        threats.scan(body);
        try {
            return newBuilder().parse(new ByteArrayInputStream(body));
        } catch (SAXParseException e) {
            // The feature URI is a parameter of the parser's message in every locale it ships, so
            // this tells a DOCTYPE from other errors without depending on the English text.
            if (e.getMessage() != null && e.getMessage().contains(DISALLOW_DOCTYPE)) {
                throw new RequestRejectedException(400, XML_DTD_FORBIDDEN, "Document type declarations are not allowed.");
            }
            throw malformed();
        } catch (SAXException | IOException e) {
            throw malformed();
        }
    }

    /**
     * Envelope children must be an optional Header then the Body, and nothing after it (WS-I Basic
     * Profile R1011). A second Body or trailing elements are refused rather than ignored: if the
     * gateway and the service disagree about which Body counts, a rule checks one and the service
     * runs the other.
     */
    private static Element body(List<Element> children, String namespace) throws RequestRejectedException {
        int index = 0;
        if (index < children.size() && is(children.get(index), namespace, HEADER)) {
            index++;
        }
        if (index >= children.size() || !is(children.get(index), namespace, BODY)) {
            throw invalid("The SOAP envelope has no Body.");
        }
        if (index != children.size() - 1) {
            throw invalid("The SOAP envelope has elements after the Body.");
        }
        return children.get(index);
    }

    private static boolean is(Element element, String namespace, String localName) {
        return namespace.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName());
    }

    private static List<Element> childElements(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }

    private static RequestRejectedException malformed() {
        return new RequestRejectedException(400, XML_MALFORMED, "The request body is not well-formed XML.");
    }

    private static RequestRejectedException invalid(String message) {
        return new RequestRejectedException(400, SOAP_ENVELOPE_INVALID, message);
    }

    // DocumentBuilderFactory is not specified to be thread-safe; builders are cheap to create.
    private synchronized DocumentBuilder newBuilder() {
        try {
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(RETHROW);
            // Unreachable while DOCTYPEs are refused; here so a future configuration change
            // cannot silently turn external entity resolution back on.
            builder.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser cannot be configured", e);
        }
    }

    /**
     * The JDK's built-in parser, on purpose: {@code newDefaultNSInstance} ignores other JAXP
     * implementations on the class path, so the hardening below is known to be understood. A
     * feature the parser does not support fails construction: better no SOAP route than an
     * unhardened one.
     */
    static DocumentBuilderFactory hardenedFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultNSInstance();
        try {
            factory.setFeature(DISALLOW_DOCTYPE, true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser does not support a required hardening feature", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setValidating(false);
        return factory;
    }
}
