package io.portcullis.soap;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The WS-Addressing a request used, so that its answer can relate to it: WCF and Metro, once they
 * address their requests (WS-SecureConversation needs it), refuse an answer or a fault without an
 * Action, and WCF one without a RelatesTo naming its MessageID.
 *
 * @param namespace the request's WS-Addressing version (2005/08, or the 2004/08 submission)
 * @param messageId the request's MessageID, or null when it sent none
 */
record WsAddressing(String namespace, String messageId) {

    static final String W3C = "http://www.w3.org/2005/08/addressing";
    static final String SUBMISSION = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

    /** The addressing of a request whose SOAP Header is {@code header}, or null when it used none. */
    static WsAddressing of(Element header) {
        String namespace = null;
        String messageId = null;
        for (Node child = header == null ? null : header.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && (W3C.equals(element.getNamespaceURI())
                    || SUBMISSION.equals(element.getNamespaceURI()))) {
                namespace = element.getNamespaceURI();
                if ("MessageID".equals(element.getLocalName())) {
                    messageId = element.getTextContent().strip();
                }
            }
        }
        return namespace == null ? null : new WsAddressing(namespace, messageId);
    }

    /** The action of a fault in this version. */
    String faultAction() {
        return W3C.equals(namespace) ? W3C + "/soap/fault" : SUBMISSION + "/fault";
    }

    /** The header blocks of an answer with {@code action}: Action, and RelatesTo when the request had a MessageID. */
    String headers(String action) {
        StringBuilder xml = new StringBuilder("<wsa:Action xmlns:wsa=\"").append(namespace).append("\">")
                .append(SoapFaults.escape(action)).append("</wsa:Action>");
        if (messageId != null) {
            xml.append("<wsa:RelatesTo xmlns:wsa=\"").append(namespace).append("\">").append(SoapFaults.escape(messageId))
                    .append("</wsa:RelatesTo>");
        }
        return xml.toString();
    }
}
