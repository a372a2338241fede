package io.portcullis.engine.policy;

import io.portcullis.engine.model.Finding;
import java.util.List;
import java.util.Set;

/** Rules compiled once and evaluated many times, from many threads at once. */
public interface CompiledRules {

    /**
     * Fires the rules over one fact (an {@code ApiRequest} or an {@code ApiResponse}).
     *
     * @return the findings the rules inserted, in firing order, each stamped with its rule id
     * @throws RuleEvaluationException when a rule fails at run time or does not terminate
     */
    List<Finding> evaluate(Object fact);

    /** Names of all rules in the pack, for coverage checks. */
    Set<String> ruleIds();
}
