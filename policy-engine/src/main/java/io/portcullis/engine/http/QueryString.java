package io.portcullis.engine.http;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict percent-decoding, and {@code application/x-www-form-urlencoded} query strings built on it,
 * for every adapter: an escape that is cut short or not hexadecimal, and bytes that are not valid
 * UTF-8 (overlong forms included), are refused rather than repaired, so the gateway never reads a
 * value differently from the service behind it.
 */
public final class QueryString {

    /** The query string is not validly encoded. */
    public static final String QUERY_MALFORMED = "QUERY_MALFORMED";

    private QueryString() {
    }

    /** @return parameters by name, repeated names keeping their values in order */
    public static Map<String, List<String>> parse(String rawQuery) throws RequestRejectedException {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = percentDecode((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
                String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1).replace('+', ' '));
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new RequestRejectedException(400, QUERY_MALFORMED, "The query string is not validly encoded.");
            }
        }
        return params;
    }

    /** @throws IllegalArgumentException for a cut-short or non-hexadecimal escape, or bytes that are not UTF-8 */
    public static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("escape cut short");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("escape not hexadecimal");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }
}
