package io.portcullis.rest;

import io.portcullis.engine.adapter.RequestRejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits and decodes a request path, refusing every form that different servers read differently.
 * The gateway must decide on exactly the resource the upstream will serve, so instead of
 * normalising (and guessing how the upstream normalises) it refuses dot segments, empty segments,
 * encoded slashes and backslashes, {@code ;} path parameters, control characters and invalid
 * percent-encoding or UTF-8 — the usual ways to slip past path-based rules.
 */
final class CanonicalPath {

    private CanonicalPath() {
    }

    /** @return the decoded segments, without the leading empty one; a trailing slash gives a final "" */
    static List<String> segments(String rawPath) throws RequestRejectedException {
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

    static String decode(String raw) throws RequestRejectedException {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw notCanonical();
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw notCanonical();
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
            throw notCanonical();
        }
    }

    private static RequestRejectedException notCanonical() {
        return new RequestRejectedException(400, "PATH_NOT_CANONICAL",
                "The request path is not in canonical form (dot or empty segments, encoded separators and path parameters are refused).");
    }
}
