package io.portcullis.engine.adapter;

import io.portcullis.engine.model.Peer;
import java.time.Instant;

/** What the listener knows about a request besides its bytes. */
public record RequestContext(String requestId, Instant receivedAt, String route, Peer peer) {
}
