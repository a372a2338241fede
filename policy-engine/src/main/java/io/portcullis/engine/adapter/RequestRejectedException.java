package io.portcullis.engine.adapter;

/**
 * Input an adapter refuses before any rule sees it (malformed JSON, wrong content type, over a
 * limit). The message is shown to the client, so it says what is wrong without echoing input.
 */
public final class RequestRejectedException extends Exception {

    private final int status;
    private final String reason;

    public RequestRejectedException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** Stable code, like a rule's reason: {@code BODY_TOO_LARGE}, {@code MALFORMED_JSON}. */
    public String reason() {
        return reason;
    }
}
