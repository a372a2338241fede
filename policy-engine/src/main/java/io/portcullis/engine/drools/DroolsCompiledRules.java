package io.portcullis.engine.drools;

import io.portcullis.engine.model.Finding;
import io.portcullis.engine.policy.CompiledRules;
import io.portcullis.engine.policy.RuleEvaluationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.kie.api.KieBase;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieSession;

/**
 * Evaluates a compiled KieBase: a new session per evaluation (sessions are cheap; the KieBase is
 * shared and thread-safe), findings collected as rules insert them.
 */
final class DroolsCompiledRules implements CompiledRules {

    private final KieBase kieBase;
    private final Set<String> ruleIds;
    private final int maxFirings;

    DroolsCompiledRules(KieBase kieBase, Set<String> ruleIds, int maxFirings) {
        this.kieBase = kieBase;
        this.ruleIds = Set.copyOf(ruleIds);
        this.maxFirings = maxFirings;
    }

    @Override
    public List<Finding> evaluate(Object fact) {
        KieSession session = kieBase.newKieSession();
        FindingCollector collector = new FindingCollector();
        try {
            session.addEventListener(collector);
            session.insert(fact);
            int fired = session.fireAllRules(maxFirings);
            if (fired >= maxFirings) {
                throw new RuleEvaluationException("rules fired " + fired + " times without settling; a rule loops", null);
            }
            return collector.findings;
        } catch (RuleEvaluationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RuleEvaluationException("a rule failed: " + e.getMessage(), e);
        } finally {
            session.dispose();
        }
    }

    @Override
    public Set<String> ruleIds() {
        return ruleIds;
    }

    /** Stamps each inserted finding with the name of the rule that inserted it. */
    private static final class FindingCollector extends DefaultRuleRuntimeEventListener {
        final List<Finding> findings = new ArrayList<>(4);

        @Override
        public void objectInserted(ObjectInsertedEvent event) {
            if (event.getObject() instanceof Finding finding) {
                String ruleId = event.getRule() == null ? "" : event.getRule().getName();
                findings.add(finding.withRuleId(ruleId));
            }
        }
    }
}
