package io.portcullis.engine.http;

import java.util.Locale;

/** The media type of a {@code Content-Type} value, without parameters, lower-cased. */
public final class MediaType {

    private MediaType() {
    }

    /** {@code "Application/JSON; charset=utf-8"} gives {@code "application/json"}; null gives "". */
    public static String of(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The {@code charset} parameter ({@code "text/xml; charset=UTF-16"}), or UTF-8 when there is none.
     *
     * @throws IllegalArgumentException when it names a charset this JVM does not know
     */
    public static java.nio.charset.Charset charset(String contentType) {
        int at = contentType == null ? -1 : contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
        if (at < 0) {
            return java.nio.charset.StandardCharsets.UTF_8;
        }
        String name = contentType.substring(at + 8).split(";", 2)[0].strip().replace("\"", "");
        return java.nio.charset.Charset.forName(name);
    }
}
