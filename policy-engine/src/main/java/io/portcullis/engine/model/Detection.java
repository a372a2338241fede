package io.portcullis.engine.model;

import java.util.Objects;

/**
 * What a detector saw in a request, computed once per request and handed to rules as a fact.
 *
 * @param kind     the attack family ({@code sqli}, {@code xss}, ...)
 * @param location where in the request, as a parameter path ({@code query/q}, {@code body/name})
 * @param evidence a short, already-sanitised description of what matched; never the raw value
 * @param score    how sure the detector is, 0..100
 */
public record Detection(String kind, String location, String evidence, int score) {

    public Detection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        evidence = evidence == null ? "" : evidence;
    }
}
