package io.portcullis.engine.drools;

import io.portcullis.engine.policy.CompiledRules;
import io.portcullis.engine.policy.RuleCompilationException;
import io.portcullis.engine.policy.RuleCompiler;
import io.portcullis.engine.policy.RuleProblem;
import io.portcullis.engine.policy.RuleSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;
import org.kie.internal.conf.ConstraintJittingThresholdOption;

/**
 * Builds a KieBase at run time from DRL, DSL/DSLR and decision-table files: no kjar, no restart.
 *
 * <p>Classic DRL compilation is used rather than the executable model because its errors name the
 * rule file and line, which is what a security team editing rules needs; the executable model
 * reports most errors against generated Java. Constraint jitting is off: Drools 10.2.0 jits some
 * constraints asynchronously into code that fails at run time (incubator-kie-drools #6711).
 */
public final class DroolsRuleCompiler implements RuleCompiler {

    /** Rule files live under this resource folder, so a DRL package matches its folder: {@code rules.authz}. */
    static final String RESOURCE_ROOT = "src/main/resources/rules/";

    private static final AtomicLong BUILD_NUMBER = new AtomicLong();

    private final int maxFiringsPerEvaluation;

    /** @param maxFiringsPerEvaluation rule firings after which an evaluation is cut off as runaway */
    public DroolsRuleCompiler(int maxFiringsPerEvaluation) {
        this.maxFiringsPerEvaluation = maxFiringsPerEvaluation;
    }

    public DroolsRuleCompiler() {
        this(10_000);
    }

    @Override
    public CompiledRules compile(List<RuleSource> sources) throws RuleCompilationException {
        if (sources.isEmpty()) {
            throw new RuleCompilationException(List.of(new RuleProblem("", 0, "the rules directory holds no rule files")));
        }
        KieServices services = KieServices.Factory.get();
        // A fresh release id per build: KieServices caches modules by id, and a reused id would
        // hand back the previous build.
        ReleaseId releaseId = services.newReleaseId("io.portcullis.rules", "pack", "1.0." + BUILD_NUMBER.incrementAndGet());
        KieFileSystem files = services.newKieFileSystem();
        files.generateAndWritePomXML(releaseId);
        for (RuleSource source : sources) {
            files.write(RESOURCE_ROOT + source.path(), source.content());
        }
        KieBuilder builder = services.newKieBuilder(files);
        builder.buildAll();
        List<RuleProblem> problems = new ArrayList<>();
        for (Message message : builder.getResults().getMessages(Message.Level.ERROR)) {
            problems.add(new RuleProblem(relativePath(message.getPath()), Math.max(message.getLine(), 0),
                    message.getText().strip()));
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        try {
            KieContainer container = services.newKieContainer(releaseId);
            KieBaseConfiguration configuration = services.newKieBaseConfiguration();
            configuration.setOption(ConstraintJittingThresholdOption.get(-1));
            KieBase kieBase = container.newKieBase(configuration);
            return new DroolsCompiledRules(kieBase, ruleNames(kieBase), maxFiringsPerEvaluation);
        } finally {
            services.getRepository().removeKieModule(releaseId);
        }
    }

    private static Set<String> ruleNames(KieBase kieBase) {
        Set<String> names = new LinkedHashSet<>();
        for (KiePackage kiePackage : kieBase.getKiePackages()) {
            for (Rule rule : kiePackage.getRules()) {
                names.add(rule.getName());
            }
        }
        return names;
    }

    private static String relativePath(String path) {
        if (path == null) {
            return "";
        }
        int at = path.indexOf(RESOURCE_ROOT);
        if (at >= 0) {
            return path.substring(at + RESOURCE_ROOT.length());
        }
        return path.startsWith("rules/") ? path.substring("rules/".length()) : path;
    }
}
