package io.portcullis.engine.http;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits and decodes a request path, refusing every form that different servers read differently.
 * The gateway must decide on exactly the resource the upstream will serve, so instead of
 * normalising (and guessing how the upstream normalises) it refuses dot segments, empty segments,
 * encoded slashes and backslashes, {@code ;} path parameters, control characters and invalid
 * percent-encoding or UTF-8 — the usual ways to slip past path-based rules.
 */
public final class CanonicalPath {

    private CanonicalPath() {
    }

    /** @return the decoded segments, without the leading empty one; a trailing slash gives a final "" */
    public static List<String> segments(String rawPath) throws RequestRejectedException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw notCanonical();
        }
        if (rawPath.equals("/")) {
            return List.of();
        }
        String[] rawSegments = rawPath.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(rawSegments.length);
        for (int i = 0; i < rawSegments.length; i++) {
            String raw = rawSegments[i];
            boolean last = i == rawSegments.length - 1;
            if (raw.isEmpty() && !last) {
                throw notCanonical();
            }
            if (raw.indexOf(';') >= 0 || raw.indexOf('\\') >= 0) {
                throw notCanonical();
            }
            String decoded = decode(raw);
            if (decoded.equals(".") || decoded.equals("..") || decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0
                    || decoded.indexOf(';') >= 0 || decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw notCanonical();
            }
            segments.add(decoded);
        }
        return segments;
    }

    public static String decode(String raw) throws RequestRejectedException {
        try {
            return QueryString.percentDecode(raw);
        } catch (IllegalArgumentException e) {
            throw notCanonical();
        }
    }

    private static RequestRejectedException notCanonical() {
        return new RequestRejectedException(400, "PATH_NOT_CANONICAL",
                "The request path is not in canonical form (dot or empty segments, encoded separators and path parameters are refused).");
    }
}
