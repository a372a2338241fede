package io.portcullis.engine.policy;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Finding;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy engine over whichever rule pack is live. Each decision reads the pack once, so a
 * reload in the middle of a request never mixes two packs.
 */
public final class RulePackPolicyEngine implements PolicyEngine {

    static final String NO_RULE_PACK = "POLICY_UNAVAILABLE";
    static final String RULE_FAILED = "POLICY_ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(RulePackPolicyEngine.class);

    private final Supplier<RulePack> livePack;

    /** @param livePack the pack to decide with; may supply null while none is loaded */
    public RulePackPolicyEngine(Supplier<RulePack> livePack) {
        this.livePack = livePack;
    }

    @Override
    public Decision decide(ApiRequest request) {
        return decide(livePack.get(), request);
    }

    /** Every view against the pack that was live when the first was decided. */
    @Override
    public Decision decideAll(List<ApiRequest> views) {
        RulePack pack = livePack.get();
        if (views.size() == 1) {
            return decide(pack, views.get(0));
        }
        return Decision.allOf(views.stream().map(view -> decide(pack, view)).toList());
    }

    private Decision decide(RulePack pack, ApiRequest request) {
        if (pack == null) {
            LOG.error("request {} refused: no rule pack is loaded", request.id());
            return Decision.indeterminate(503, NO_RULE_PACK, "");
        }
        try {
            List<Finding> findings = pack.rules().evaluate(request);
            return DecisionCombiner.forRequest(request, findings, pack.revision());
        } catch (RuntimeException e) {
            LOG.error("request {} refused: rule evaluation failed in pack {}: {}", request.id(), pack.revision(),
                    e.getMessage(), e);
            return Decision.indeterminate(500, RULE_FAILED, pack.revision());
        }
    }

    @Override
    public Decision decideResponse(ApiResponse response) {
        RulePack pack = livePack.get();
        String requestId = response.request().id();
        if (pack == null) {
            LOG.error("response to {} withheld: no rule pack is loaded", requestId);
            return Decision.indeterminate(503, NO_RULE_PACK, "");
        }
        try {
            return DecisionCombiner.forResponse(pack.rules().evaluate(response), pack.revision());
        } catch (RuntimeException e) {
            LOG.error("response to {} withheld: rule evaluation failed in pack {}: {}", requestId, pack.revision(),
                    e.getMessage(), e);
            return Decision.indeterminate(500, RULE_FAILED, pack.revision());
        }
    }
}
