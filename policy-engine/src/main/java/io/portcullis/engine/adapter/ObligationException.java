package io.portcullis.engine.adapter;

/** An adapter could not fulfil an obligation, so the message must not go through. */
public final class ObligationException extends Exception {

    public ObligationException(String message) {
        super(message);
    }
}
