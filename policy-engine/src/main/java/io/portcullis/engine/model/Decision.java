package io.portcullis.engine.model;

import java.util.List;
import java.util.Objects;

/**
 * The engine's answer for one request or response: never null, never "abstain".
 *
 * @param effect      PERMIT, DENY, or INDETERMINATE (the engine could not decide; enforced as a deny)
 * @param status      HTTP-style status to enforce a deny with; 200 for a permit
 * @param reasons     stable reason codes ({@code BOLA_NOT_OWNER}), the denying ones for a deny
 * @param message     text safe to show the client
 * @param obligations what the adapter must do for a permit to go through
 * @param ruleIds     the rules whose findings made the decision
 * @param revision    the rule pack revision that decided, or empty when none was loaded
 */
public record Decision(Effect effect, int status, List<String> reasons, String message,
                       List<Obligation> obligations, List<String> ruleIds, String revision) {

    public enum Effect { PERMIT, DENY, INDETERMINATE }

    public Decision {
        Objects.requireNonNull(effect, "effect");
        reasons = List.copyOf(reasons);
        message = message == null ? "" : message;
        obligations = List.copyOf(obligations);
        ruleIds = List.copyOf(ruleIds);
        revision = revision == null ? "" : revision;
    }

    /** The engine could not decide (no rule pack, an internal error): the request must be refused. */
    public static Decision indeterminate(int status, String reason, String revision) {
        return new Decision(Effect.INDETERMINATE, status, List.of(reason),
                "The request could not be authorised at this time.", List.of(), List.of(), revision);
    }

    public boolean permitted() {
        return effect == Effect.PERMIT;
    }
}
