package io.portcullis.engine.adapter;

/**
 * Input an adapter refuses before any rule sees it (malformed JSON, wrong content type, over a
 * limit). The message is shown to the client, so it says what is wrong without echoing input.
 */
public final class RequestRejectedException extends Exception {

    private final int status;
    private final String reason;
    private String diagnostics;
    private String diagnosticsOperation;

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

    /**
     * Adds a fuller explanation that names parts of the API ("Did you mean 'account'?"), for callers
     * the rules permit {@code grantingOperation} (such as {@code Query.__schema}: whoever may read
     * the schema may be told its names); everyone else gets the message alone.
     */
    public RequestRejectedException withDiagnostics(String grantingOperation, String text) {
        this.diagnosticsOperation = grantingOperation;
        this.diagnostics = text;
        return this;
    }

    /** The fuller explanation, or null. */
    public String diagnostics() {
        return diagnostics;
    }

    /** The operation a caller must be permitted to be shown {@link #diagnostics()}. */
    public String diagnosticsOperation() {
        return diagnosticsOperation;
    }
}
