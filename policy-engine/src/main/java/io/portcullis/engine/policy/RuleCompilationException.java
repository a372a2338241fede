package io.portcullis.engine.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A rule pack that was refused, with every problem found. */
public final class RuleCompilationException extends Exception {

    private final transient List<RuleProblem> problems;

    public RuleCompilationException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
