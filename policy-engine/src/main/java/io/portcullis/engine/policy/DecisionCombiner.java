package io.portcullis.engine.policy;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Finding;
import io.portcullis.engine.model.Obligation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Combines findings into a decision: deny overrides permit, and a request that no rule permits is
 * denied. Among several denies the status is 401 if any rule asks for authentication (telling an
 * anonymous caller which role it lacks is pointless), otherwise that of the first deny fired.
 */
final class DecisionCombiner {

    static final String NOT_PERMITTED = "NOT_PERMITTED";

    private DecisionCombiner() {
    }

    static Decision forRequest(ApiRequest request, List<Finding> findings, String revision) {
        // An anonymous caller's refusals count against its address's limits (a key or password guesser
        // runs dry); an authenticated caller's refusals do not use up what it may still do.
        Decision denial = denial(findings, revision, !request.principal().authenticated());
        if (denial != null) {
            return denial;
        }
        boolean permitted = findings.stream().anyMatch(f -> f.effect() == Finding.Effect.PERMIT);
        if (!permitted) {
            return defaultDeny(request, findings, revision);
        }
        return permit(findings, revision);
    }

    static Decision forResponse(List<Finding> findings, String revision) {
        Decision denial = denial(findings, revision, false);
        return denial != null ? denial : permit(findings, revision);
    }

    private static Decision denial(List<Finding> findings, String revision, boolean countRefusal) {
        List<Finding> denies = findings.stream().filter(f -> f.effect() == Finding.Effect.DENY).toList();
        if (denies.isEmpty()) {
            return null;
        }
        Finding leading = denies.stream().filter(f -> f.status() == 401).findFirst().orElse(denies.get(0));
        Set<String> reasons = new LinkedHashSet<>();
        Set<String> ruleIds = new LinkedHashSet<>();
        reasons.add(leading.reason());
        ruleIds.add(leading.ruleId());
        for (Finding deny : denies) {
            reasons.add(deny.reason());
            ruleIds.add(deny.ruleId());
        }
        return new Decision(Decision.Effect.DENY, leading.status(), List.copyOf(reasons), leading.message(),
                countRefusal ? rateLimits(findings) : List.of(), List.copyOf(ruleIds), revision);
    }

    /** The only obligations a counted refusal keeps: its rate limits. */
    private static List<Obligation> rateLimits(List<Finding> findings) {
        List<Obligation> limits = new ArrayList<>();
        for (Finding finding : findings) {
            for (Obligation obligation : finding.obligations()) {
                if (obligation instanceof Obligation.RateLimit && !limits.contains(obligation)) {
                    limits.add(obligation);
                }
            }
        }
        return List.copyOf(limits);
    }

    private static Decision defaultDeny(ApiRequest request, List<Finding> findings, String revision) {
        List<String> ruleIds = findings.stream().map(Finding::ruleId).distinct().toList();
        if (!request.principal().authenticated()) {
            return Decision.authenticationRequired(List.of(), rateLimits(findings), ruleIds, revision);
        }
        return new Decision(Decision.Effect.DENY, 403, List.of(NOT_PERMITTED), "This operation is not permitted.", List.of(),
                ruleIds, revision);
    }

    private static Decision permit(List<Finding> findings, String revision) {
        Set<String> reasons = new LinkedHashSet<>();
        Set<String> ruleIds = new LinkedHashSet<>();
        List<Obligation> obligations = new ArrayList<>();
        for (Finding finding : findings) {
            // A rate limit applies to nearly every call: its obligation is audited, its reason would only be noise.
            boolean onlyRateLimits = finding.effect() == Finding.Effect.OBLIGE && !finding.obligations().isEmpty()
                    && finding.obligations().stream().allMatch(o -> o instanceof Obligation.RateLimit);
            if (!onlyRateLimits) {
                reasons.add(finding.reason());
            }
            ruleIds.add(finding.ruleId());
            for (Obligation obligation : finding.obligations()) {
                if (!obligations.contains(obligation)) {
                    obligations.add(obligation);
                }
            }
        }
        return new Decision(Decision.Effect.PERMIT, 200, List.copyOf(reasons), "", obligations,
                List.copyOf(ruleIds), revision);
    }
}
