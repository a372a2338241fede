package io.portcullis.soap;

import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A SOAP message that passed the gateway's XML hardening and envelope checks, as produced by
 * {@link SoapEnvelopeReader}. The operation is what rules match on (for document/literal and
 * RPC style alike it is the first element inside {@code Body}).
 *
 * <p>The DOM is not immutable: WS-Security processing decrypts the Body in place and removes the
 * Security header it consumed. {@link #operation()} and {@link #operationElement()} therefore read
 * the Body as it is now: call them after WS-Security processing, not before.
 *
 * @param version  SOAP version, from the envelope namespace
 * @param document the parsed envelope
 * @param header   the envelope's {@code Header}, or null when it has none
 * @param body     the envelope's one {@code Body} (the real one, by position: what rules and
 *                 signature checks must refer to)
 */
public record SoapEnvelope(SoapVersion version, Document document, Element header, Element body) {

    public SoapEnvelope {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(body, "body");
    }

    // An identity Transformer is not thread-safe; one per request thread, made once.
    private static final ThreadLocal<javax.xml.transform.Transformer> SERIALIZERS = ThreadLocal.withInitial(() -> {
        try {
            javax.xml.transform.Transformer transformer = javax.xml.transform.TransformerFactory.newDefaultInstance()
                    .newTransformer();
            transformer.setOutputProperty(javax.xml.transform.OutputKeys.ENCODING, "UTF-8");
            return transformer;
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("the JDK's XML serializer is not available", e);
        }
    });

    /** The message as its DOM now is (decrypted, headers removed or added), as UTF-8 XML. */
    public byte[] serialize() {
        try {
            javax.xml.transform.Transformer transformer = SERIALIZERS.get();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4096);
            // The element, not the document: from a document the JDK's serializer writes in the encoding
            // the message declared (ISO-8859-1, say), whatever it is told, under a UTF-8 label.
            transformer.transform(new javax.xml.transform.dom.DOMSource(document.getDocumentElement()),
                    new javax.xml.transform.stream.StreamResult(out));
            return out.toByteArray();
        } catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("a parsed SOAP message could not be serialized", e);
        }
    }

    /** The first element inside Body, or null if the Body has none. */
    public Element operationElement() {
        return org.apache.xml.security.utils.XMLUtils.getNextElement(body.getFirstChild());
    }

    /** The qualified name of {@link #operationElement()}. */
    public QName operation() {
        Element operation = operationElement();
        if (operation == null) {
            throw new IllegalStateException("the SOAP Body is empty");
        }
        return new QName(Objects.requireNonNullElse(operation.getNamespaceURI(), XMLConstants.NULL_NS_URI),
                operation.getLocalName());
    }
}
