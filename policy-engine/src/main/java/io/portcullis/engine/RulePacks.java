package io.portcullis.engine;

import io.portcullis.engine.drools.DroolsRuleCompiler;
import io.portcullis.engine.fixtures.FixtureRunner;
import io.portcullis.engine.policy.RulePackLoader;
import io.portcullis.engine.policy.RulesDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The one way to load rule packs: Drools rules from a directory, checked against its fixtures. */
public final class RulePacks {

    private RulePacks() {
    }

    public static RulePackLoader loader(Path rulesDirectory, Clock clock) {
        RulesDirectory directory = new RulesDirectory(rulesDirectory);
        return new RulePackLoader(directory, new DroolsRuleCompiler(), List.of(new FixtureRunner()), clock);
    }

    /** A loader that compiles without running the fixtures, for tools that report them one by one. */
    public static RulePackLoader uncheckedLoader(Path rulesDirectory, Clock clock) {
        return new RulePackLoader(new RulesDirectory(rulesDirectory), new DroolsRuleCompiler(), List.of(), clock);
    }
}
