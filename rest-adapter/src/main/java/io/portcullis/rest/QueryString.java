package io.portcullis.rest;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes an {@code application/x-www-form-urlencoded} query string, keeping repeated names in order. */
final class QueryString {

    private QueryString() {
    }

    static Map<String, List<String>> parse(String rawQuery) throws RequestRejectedException {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String raw) throws RequestRejectedException {
        try {
            return CanonicalPath.decode(raw.replace('+', ' '));
        } catch (RequestRejectedException e) {
            throw new RequestRejectedException(400, "QUERY_MALFORMED", "The query string is not validly encoded.");
        }
    }
}
