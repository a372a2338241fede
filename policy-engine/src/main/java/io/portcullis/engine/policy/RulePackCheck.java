package io.portcullis.engine.policy;

import java.util.List;

/** A test a candidate rule pack must pass before it goes live (the fixtures, for one). */
@FunctionalInterface
public interface RulePackCheck {

    List<RuleProblem> check(RulePack candidate);
}
