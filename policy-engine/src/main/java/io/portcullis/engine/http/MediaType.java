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
     * Parameters are matched by their exact name, so {@code xcharset=} is not one.
     *
     * @throws IllegalArgumentException when it names a charset this JVM does not know, or is given
     *                                  twice (a server might read either)
     */
    public static java.nio.charset.Charset charset(String contentType) {
        String found = null;
        if (contentType != null) {
            String[] parts = contentType.split(";");
            for (int i = 1; i < parts.length; i++) {
                int equals = parts[i].indexOf('=');
                if (equals > 0 && parts[i].substring(0, equals).strip().equalsIgnoreCase("charset")) {
                    if (found != null) {
                        throw new IllegalArgumentException("the charset is named twice");
                    }
                    found = parts[i].substring(equals + 1).strip().replace("\"", "");
                }
            }
        }
        return found == null ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(found);
    }
}
