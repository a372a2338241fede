package io.portcullis.engine.adapter;

import io.portcullis.engine.model.ApiResponse;
import java.util.Objects;

/**
 * One part of an upstream response that response rules judge on its own, as the answer to one view
 * of the request: a GraphQL response's {@code /data/account}, addressed by rules as if it were the
 * whole body ({@code /owner}).
 *
 * @param response    the part, with the request view it answers
 * @param bodyPointer where the part sits in the whole body (empty for the whole); obligations found
 *                    on the part are re-addressed with it
 */
public record ResponseView(ApiResponse response, String bodyPointer) {

    public ResponseView {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(bodyPointer, "bodyPointer");
    }
}
