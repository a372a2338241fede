package io.portcullis.soap;

/**
 * Bounds on an XML message, checked by {@link XmlThreatScanner} in one streaming pass before any
 * DOM, WS-Security or schema work, so a hostile document costs little to refuse. Defaults suit SOAP
 * requests; raise them per route for services that exchange large documents.
 *
 * @param maxBytes                   the whole message
 * @param maxDepth                   element nesting
 * @param maxElements                elements in the document
 * @param maxAttributesPerElement    attributes on one element
 * @param maxNamespaceDeclarations   namespace declarations in the document
 * @param maxTextLength              one text node (after any splitting by the parser)
 * @param maxAttributeValueLength    one attribute value
 * @param maxNameLength              one element or attribute name, prefix included
 */
public record XmlLimits(int maxBytes, int maxDepth, int maxElements, int maxAttributesPerElement,
                        int maxNamespaceDeclarations, int maxTextLength, int maxAttributeValueLength, int maxNameLength) {

    public static final XmlLimits DEFAULTS = new XmlLimits(1 << 20, 64, 10_000, 32, 128, 256 * 1024, 8 * 1024, 256);

    public XmlLimits {
        int[] all = {maxBytes, maxDepth, maxElements, maxAttributesPerElement, maxNamespaceDeclarations, maxTextLength,
                maxAttributeValueLength, maxNameLength};
        for (int limit : all) {
            if (limit <= 0) {
                throw new IllegalArgumentException("XML limits must be positive");
            }
        }
    }
}
