package io.portcullis.engine.detect;

/**
 * One value a request carries, with the place it came from: what detectors read.
 *
 * @param location the parameter path reported in detections ({@code query/q}, {@code body/payee/name},
 *                 {@code header/user-agent})
 * @param source   the part of the request it came from
 * @param text     the value as the application behind the gateway will receive it (HTTP decoding done)
 */
public record InspectedValue(String location, Source source, String text) {

    /** Names are read too: they are the client's choice (a Spring4Shell payload lives in a parameter's name). */
    public enum Source { PATH, QUERY, QUERY_NAME, HEADER, COOKIE, BODY, BODY_NAME }
}
