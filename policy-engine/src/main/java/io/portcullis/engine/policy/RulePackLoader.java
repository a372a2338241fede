package io.portcullis.engine.policy;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a candidate rule pack from a rules directory: every rule file compiles and every check
 * (the fixtures) passes, or the pack is refused with all problems listed.
 */
public final class RulePackLoader {

    private final RulesDirectory directory;
    private final RuleCompiler compiler;
    private final List<RulePackCheck> checks;
    private final Clock clock;

    public RulePackLoader(RulesDirectory directory, RuleCompiler compiler, List<RulePackCheck> checks, Clock clock) {
        this.directory = directory;
        this.compiler = compiler;
        this.checks = List.copyOf(checks);
        this.clock = clock;
    }

    public RulesDirectory directory() {
        return directory;
    }

    public RulePack load() throws RuleCompilationException {
        List<RuleProblem> problems = new ArrayList<>();
        RulesDirectory.Snapshot files;
        try {
            files = directory.snapshot(problems);
        } catch (IOException e) {
            throw new RuleCompilationException(List.of(new RuleProblem("", 0, "cannot read rules: " + e.getMessage())));
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        CompiledRules rules = compiler.compile(files.rules());
        RulePack candidate = new RulePack(files.revision(), files.rules().stream().map(RuleSource::path).toList(),
                clock.instant(), rules, files.fixtures());
        for (RulePackCheck check : checks) {
            problems.addAll(check.check(candidate));
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return candidate;
    }
}
