package io.portcullis.engine.policy;

/** A rule failed while being evaluated; the decision becomes INDETERMINATE. */
public final class RuleEvaluationException extends RuntimeException {

    public RuleEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
