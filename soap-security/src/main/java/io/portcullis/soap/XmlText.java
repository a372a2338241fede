package io.portcullis.soap;

/** Text the gateway writes into the XML it makes itself (faults, token answers, WS-Addressing headers). */
final class XmlText {

    private XmlText() {
    }

    /**
     * Escapes character data. Code points XML 1.0 cannot carry at all (most control characters,
     * lone surrogates) become U+FFFD: the request id may come from a client header, and a fault
     * that does not parse is worse than a slightly altered id. CR is written as a reference
     * because a parser would otherwise normalise it away.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#xD;");
                default -> out.appendCodePoint(isXmlChar(c) ? c : 0xFFFD);
            }
        });
        return out.toString();
    }

    private static boolean isXmlChar(int c) {
        return c == 0x9 || c == 0xA
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
