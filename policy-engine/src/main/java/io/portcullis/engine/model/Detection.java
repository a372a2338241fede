package io.portcullis.engine.model;

import java.util.Objects;

/**
 * What a detector saw in a request, computed once per request and handed to rules as a fact.
 *
 * @param kind     the attack family, written as the reason code rules refuse it with ({@code SQL_INJECTION},
 *                 {@code XSS}, {@code PATH_TRAVERSAL}, {@code BAD_BOT}, ...)
 * @param location where in the request, as a parameter path ({@code query/q}, {@code body/payee/name},
 *                 {@code header/user-agent}, {@code body/$variables/id} for a GraphQL variable)
 * @param evidence a short description of what matched, in words; never the raw value
 * @param score    how sure the detector is, 0..100: 100 is an attack wherever the value lands, and the
 *                 anomaly score of a request is the sum over its detections
 */
public record Detection(String kind, String location, String evidence, int score) {

    public Detection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        evidence = evidence == null ? "" : evidence;
    }

    /** {@code SQL_INJECTION at query/q}: for messages and the audit. */
    public String describe() {
        return kind + " at " + location;
    }
}
