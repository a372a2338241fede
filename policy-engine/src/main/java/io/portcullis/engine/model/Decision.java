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

    /** An anonymous caller's refusal that tells it only to authenticate: 401 {@code AUTHN_REQUIRED} first among the reasons. */
    public static Decision authenticationRequired(List<String> reasons, List<Obligation> obligations, List<String> ruleIds,
                                                  String revision) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        all.add(AUTHN_REQUIRED);
        all.addAll(reasons);
        return new Decision(Effect.DENY, 401, List.copyOf(all), AUTHENTICATION_REQUIRED_MESSAGE, obligations, ruleIds, revision);
    }

    /**
     * This refusal told by its leading reason alone, with its status and message: the finding that
     * led it (a denial's reasons start with it, see {@code DecisionCombiner}), without what the
     * others would say about the API.
     */
    public Decision leadingReasonOnly() {
        return new Decision(effect, status, List.of(reasons.get(0)), message, obligations, ruleIds, revision);
    }

    /** What an anonymous caller is told when it must authenticate. */
    public static final String AUTHENTICATION_REQUIRED_MESSAGE = "Authentication is required for this operation.";

    /** The reason of a refusal that asks the caller to authenticate. */
    public static final String AUTHN_REQUIRED = "AUTHN_REQUIRED";

    /**
     * The decision for one request judged in several views (a GraphQL request, once per root field):
     * permitted only if every view is. A refusal is led by an INDETERMINATE view, then by a 401
     * (the caller should authenticate first), then by the first refusing view, and names the
     * reasons of every refusing view; a permit carries every view's obligations.
     */
    public static Decision allOf(List<Decision> views) {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("a request has at least one view");
        }
        if (views.size() == 1) {
            return views.get(0);
        }
        java.util.Set<String> ruleIds = new java.util.LinkedHashSet<>();
        views.forEach(view -> ruleIds.addAll(view.ruleIds()));
        List<Decision> refusals = views.stream().filter(view -> !view.permitted()).toList();
        if (!refusals.isEmpty()) {
            Decision leading = refusals.stream().filter(view -> view.effect() == Effect.INDETERMINATE).findFirst()
                    .or(() -> refusals.stream().filter(view -> view.status() == 401).findFirst())
                    .orElse(refusals.get(0));
            java.util.Set<String> reasons = new java.util.LinkedHashSet<>(leading.reasons());
            refusals.forEach(view -> reasons.addAll(view.reasons()));
            // A refusal keeps only the rate limits: a refused call still counts against them.
            List<Obligation> limits = new java.util.ArrayList<>();
            views.forEach(view -> view.obligations().stream()
                    .filter(obligation -> obligation instanceof Obligation.RateLimit && !limits.contains(obligation))
                    .forEach(limits::add));
            return new Decision(leading.effect(), leading.status(), List.copyOf(reasons), leading.message(), limits,
                    List.copyOf(ruleIds), leading.revision());
        }
        java.util.Set<String> reasons = new java.util.LinkedHashSet<>();
        List<Obligation> obligations = new java.util.ArrayList<>();
        for (Decision view : views) {
            reasons.addAll(view.reasons());
            view.obligations().stream().filter(obligation -> !obligations.contains(obligation)).forEach(obligations::add);
        }
        return new Decision(Effect.PERMIT, 200, List.copyOf(reasons), "", obligations, List.copyOf(ruleIds),
                views.get(0).revision());
    }

    /** This decision for a whole message when it was made on the part of the body at {@code bodyPointer}. */
    public Decision within(String bodyPointer) {
        if (bodyPointer.isEmpty() || obligations.isEmpty()) {
            return this;
        }
        return new Decision(effect, status, reasons, message, obligations.stream().map(o -> o.within(bodyPointer)).toList(),
                ruleIds, revision);
    }

    public boolean permitted() {
        return effect == Effect.PERMIT;
    }
}
