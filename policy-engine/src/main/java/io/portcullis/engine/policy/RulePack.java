package io.portcullis.engine.policy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A compiled, immutable set of rules with the revision that identifies it in every decision.
 *
 * @param revision content hash of the rule and fixture files: the same files give the same revision
 * @param files    the rule files it was built from, relative to the rules directory
 * @param loadedAt when it was built
 * @param rules    the compiled rules
 * @param fixtures the fixture files read with the rules, the very bytes the revision covers
 */
public record RulePack(String revision, List<String> files, Instant loadedAt, CompiledRules rules,
                       List<RuleSource> fixtures) {

    public RulePack {
        Objects.requireNonNull(revision, "revision");
        files = List.copyOf(files);
        Objects.requireNonNull(loadedAt, "loadedAt");
        Objects.requireNonNull(rules, "rules");
        fixtures = List.copyOf(fixtures);
    }
}
