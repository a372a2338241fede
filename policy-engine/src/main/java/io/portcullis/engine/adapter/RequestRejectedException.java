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
    private io.portcullis.engine.model.ApiRequest read;

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

    /**
     * Marks a refusal that tells about the API (what its description accepts: a required property, a
     * parameter's format, which paths exist), made of a request that was read whole. The gateway first
     * authenticates the caller from {@code read}: an authenticated caller is told this refusal; an
     * anonymous one only if the rules would admit it, otherwise it gets the rules' refusal (a 401),
     * so anonymous callers cannot map the API. The audit has this reason either way.
     */
    public RequestRejectedException toldOnlyToAdmittedCallers(io.portcullis.engine.model.ApiRequest read) {
        this.read = read;
        return this;
    }

    /** The request as read, for a refusal {@link #toldOnlyToAdmittedCallers told only to admitted callers}; else null. */
    public io.portcullis.engine.model.ApiRequest read() {
        return read;
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
