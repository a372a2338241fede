package io.portcullis.engine.policy;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Decision;

/**
 * Decides requests and responses against the live rule pack.
 *
 * <p>It never throws for a policy outcome and never returns null: when it cannot decide (no rule
 * pack loaded, a rule failing at run time) it returns an {@link Decision.Effect#INDETERMINATE}
 * decision, which every enforcement point treats as a deny.
 */
public interface PolicyEngine {

    Decision decide(ApiRequest request);

    /**
     * Decides a request judged in several views (see {@code ProtocolAdapter.views}): each view on
     * its own, combined by {@link Decision#allOf}, all against the same rule pack.
     */
    default Decision decideAll(java.util.List<ApiRequest> views) {
        if (views.size() == 1) {
            return decide(views.get(0));
        }
        return Decision.allOf(views.stream().map(this::decide).toList());
    }

    /**
     * Decides the upstream's response to a request that was permitted. A response needs no permit
     * of its own: it goes through unless a rule denies it; obligations found are returned.
     */
    Decision decideResponse(ApiResponse response);
}
