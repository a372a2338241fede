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
}
