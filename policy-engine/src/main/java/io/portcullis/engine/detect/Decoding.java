package io.portcullis.engine.detect;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Undoes the encodings attackers use to slip past filters, the way a lenient back end would:
 * URL encoding applied more than once, {@code %uXXXX}, overlong UTF-8 ({@code %c0%ae} for a dot),
 * HTML character references and JavaScript escapes. Detectors read every form a value takes.
 */
public final class Decoding {

    /** More rounds than any back end decodes; each round must still change the value. */
    private static final int MAX_URL_ROUNDS = 3;
    private static final Map<String, String> NAMED_REFERENCES = Map.ofEntries(
            Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("amp", "&"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("colon", ":"), Map.entry("tab", "\t"), Map.entry("newline", "\n"),
            Map.entry("lpar", "("), Map.entry("rpar", ")"), Map.entry("sol", "/"), Map.entry("bsol", "\\"),
            Map.entry("equals", "="), Map.entry("period", "."), Map.entry("comma", ","), Map.entry("semi", ";"),
            Map.entry("excl", "!"), Map.entry("grave", "`"), Map.entry("nbsp", " "), Map.entry("lsqb", "["),
            Map.entry("rsqb", "]"), Map.entry("lcub", "{"), Map.entry("rcub", "}"), Map.entry("num", "#"),
            Map.entry("dollar", "$"), Map.entry("percnt", "%"), Map.entry("plus", "+"), Map.entry("ast", "*"));

    private Decoding() {
    }

    /** The value and each distinct decoded form of it, the value first. */
    public static List<String> forms(String value) {
        List<String> forms = new ArrayList<>(3);
        forms.add(value);
        String url = value.indexOf('%') >= 0 ? urlDecoded(value) : value;
        add(forms, url);
        String markup = url.indexOf('&') >= 0 ? htmlDecoded(url) : url;
        add(forms, markup);
        if (markup.indexOf('\\') >= 0) {
            add(forms, jsUnescaped(markup));
        }
        return forms;
    }

    private static void add(List<String> forms, String form) {
        if (!forms.contains(form)) {
            forms.add(form);
        }
    }

    /** URL decoding repeated while it changes the value (double and triple encoding undone). */
    public static String urlDecoded(String value) {
        String current = value;
        for (int round = 0; round < MAX_URL_ROUNDS && current.indexOf('%') >= 0; round++) {
            String next = urlDecodedOnce(current);
            if (next.equals(current)) {
                break;
            }
            current = next;
        }
        return current;
    }

    /** One round of percent decoding; bytes are read as UTF-8 that may be overlong, and bad escapes stay as they are. */
    static String urlDecodedOnce(String value) {
        StringBuilder out = new StringBuilder(value.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%' && i + 1 < value.length() && (value.charAt(i + 1) == 'u' || value.charAt(i + 1) == 'U')
                    && hex(value, i + 2, 4) >= 0) {
                flush(bytes, out);
                out.append((char) hex(value, i + 2, 4));
                i += 6;
            } else if (c == '%' && hex(value, i + 1, 2) >= 0) {
                bytes.write(hex(value, i + 1, 2));
                i += 3;
            } else {
                flush(bytes, out);
                out.append(c);
                i++;
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    private static int hex(String value, int from, int digits) {
        if (from + digits > value.length()) {
            return -1;
        }
        int result = 0;
        for (int i = from; i < from + digits; i++) {
            int digit = Character.digit(value.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            result = result * 16 + digit;
        }
        return result;
    }

    /** Lenient UTF-8: overlong forms decode to the character they spell, as old decoders did. */
    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) {
            return;
        }
        byte[] b = bytes.toByteArray();
        bytes.reset();
        int i = 0;
        while (i < b.length) {
            int lead = b[i] & 0xff;
            int length = lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            if (length == 1 || lead >= 0xf8 || i + length > b.length || !continuations(b, i + 1, length - 1)) {
                out.append(lead < 0x80 ? (char) lead : '\ufffd');
                i++;
                continue;
            }
            int codePoint = lead & (0xff >> (length + 1));
            for (int k = 1; k < length; k++) {
                codePoint = (codePoint << 6) | (b[i + k] & 0x3f);
            }
            out.appendCodePoint(Character.isValidCodePoint(codePoint) ? codePoint : 0xfffd);
            i += length;
        }
    }

    private static boolean continuations(byte[] b, int from, int count) {
        for (int k = from; k < from + count; k++) {
            if ((b[k] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    /** HTML character references, numeric (with or without the semicolon, any leading zeros) and the named ones attacks use. */
    public static String htmlDecoded(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            if (end < value.length() && value.charAt(end) == '#') {
                end++;
                boolean hexadecimal = end < value.length() && (value.charAt(end) == 'x' || value.charAt(end) == 'X');
                if (hexadecimal) {
                    end++;
                }
                int start = end;
                long codePoint = 0;
                while (end < value.length() && end - start < 12 && Character.digit(value.charAt(end), hexadecimal ? 16 : 10) >= 0) {
                    codePoint = codePoint * (hexadecimal ? 16 : 10) + Character.digit(value.charAt(end), hexadecimal ? 16 : 10);
                    end++;
                }
                if (end == start || codePoint > Character.MAX_CODE_POINT) {
                    out.append(c);
                    i++;
                    continue;
                }
                out.appendCodePoint((int) codePoint);
                i = end < value.length() && value.charAt(end) == ';' ? end + 1 : end;
                continue;
            }
            while (end < value.length() && end - i < 10 && Character.isLetter(value.charAt(end))) {
                end++;
            }
            String replacement = NAMED_REFERENCES.get(value.substring(i + 1, end).toLowerCase(Locale.ROOT));
            if (replacement == null) {
                out.append(c);
                i++;
                continue;
            }
            out.append(replacement);
            i = end < value.length() && value.charAt(end) == ';' ? end + 1 : end;
        }
        return out.toString();
    }

    /**
     * Compatibility folding (NFKC) and lower case, as resolvers and lenient file APIs read a name:
     * fullwidth and enclosed letters become ASCII. ASCII text is only lower-cased.
     */
    public static String folded(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 128) {
                return java.text.Normalizer.normalize(value, java.text.Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
            }
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** JavaScript and CSS escapes: {@code \\u0061}, {@code \\u{61}}, {@code \\x61}. */
    public static String jsUnescaped(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char kind = value.charAt(i + 1);
                if (kind == 'u' && i + 2 < value.length() && value.charAt(i + 2) == '{') {
                    // At most six hex digits fit: the brace is looked for that far only (linear on "\\u{\\u{...").
                    int close = -1;
                    for (int k = i + 3; k < value.length() && k <= i + 10; k++) {
                        if (value.charAt(k) == '}') {
                            close = k;
                            break;
                        }
                    }
                    int codePoint = close > i + 3 && close - i <= 10 ? hex(value, i + 3, close - i - 3) : -1;
                    if (codePoint >= 0 && Character.isValidCodePoint(codePoint)) {
                        out.appendCodePoint(codePoint);
                        i = close + 1;
                        continue;
                    }
                } else if (kind == 'u' && hex(value, i + 2, 4) >= 0) {
                    out.append((char) hex(value, i + 2, 4));
                    i += 6;
                    continue;
                } else if (kind == 'x' && hex(value, i + 2, 2) >= 0) {
                    out.append((char) hex(value, i + 2, 2));
                    i += 4;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }
}
