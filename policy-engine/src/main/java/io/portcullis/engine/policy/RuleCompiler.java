package io.portcullis.engine.policy;

import java.util.List;

/** Turns rule files into {@link CompiledRules}, or explains why it cannot. */
public interface RuleCompiler {

    CompiledRules compile(List<RuleSource> sources) throws RuleCompilationException;
}
