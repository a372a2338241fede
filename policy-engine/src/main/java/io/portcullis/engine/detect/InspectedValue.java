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

    public enum Source { PATH, QUERY, QUERY_NAME, HEADER, COOKIE, BODY, BODY_NAME }

    /** Names are attacker-chosen too (a Spring4Shell payload lives in the parameter's name). */
    public boolean isName() {
        return source == Source.QUERY_NAME || source == Source.BODY_NAME;
    }
}
