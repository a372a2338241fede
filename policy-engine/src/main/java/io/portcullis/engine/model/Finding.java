package io.portcullis.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one rule concluded about a request or response. Rules insert findings; the engine combines
 * them into a {@link Decision}. The engine stamps the id of the rule that inserted the finding, so
 * rule authors do not write it twice.
 *
 * <ul>
 *   <li>{@code PERMIT} — this rule allows the call (at least one is needed, and no deny);</li>
 *   <li>{@code DENY} — this rule refuses the call with a status (deny overrides any permit);</li>
 *   <li>{@code OBLIGE} — no verdict, only obligations to apply if the call is permitted. An
 *       obligation alone never permits anything.</li>
 * </ul>
 *
 * @param message what the client did wrong, in words safe to show it; never how the defence works
 */
public record Finding(Effect effect, String reason, int status, String message, List<Obligation> obligations,
                      String ruleId) {

    public enum Effect { PERMIT, DENY, OBLIGE }

    public Finding {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(reason, "reason");
        if (!isReasonCode(reason)) {
            throw new IllegalArgumentException("a reason code is UPPER_SNAKE_CASE: " + reason);
        }
        if (effect == Effect.DENY && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("a deny needs a 4xx or 5xx status, got " + status);
        }
        message = message == null ? "" : message;
        obligations = List.copyOf(obligations);
        ruleId = ruleId == null ? "" : ruleId;
    }

    /** UPPER_SNAKE_CASE, checked without a regex because findings are made on every decision. */
    private static boolean isReasonCode(String reason) {
        if (reason.isEmpty() || reason.charAt(0) < 'A' || reason.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static Finding permit(String reason) {
        return new Finding(Effect.PERMIT, reason, 0, "", List.of(), "");
    }

    public static Finding deny(String reason, int status, String message) {
        return new Finding(Effect.DENY, reason, status, message, List.of(), "");
    }

    public static Finding oblige(String reason, Obligation... obligations) {
        return new Finding(Effect.OBLIGE, reason, 0, "", List.of(obligations), "");
    }

    /** The same finding with one more obligation (permit findings may carry obligations too). */
    public Finding with(Obligation obligation) {
        List<Obligation> more = new ArrayList<>(obligations);
        more.add(obligation);
        return new Finding(effect, reason, status, message, more, ruleId);
    }

    public Finding withRuleId(String id) {
        return new Finding(effect, reason, status, message, obligations, id);
    }
}
