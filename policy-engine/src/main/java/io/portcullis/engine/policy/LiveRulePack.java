package io.portcullis.engine.policy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule pack in service. A reload builds a candidate beside the live pack and swaps it in
 * atomically only when it compiled and passed its checks; otherwise the last good pack keeps
 * serving and the problems are logged and kept for the admin status.
 */
public final class LiveRulePack implements Supplier<RulePack> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRulePack.class);

    private final RulePackLoader loader;
    private final Clock clock;
    private final AtomicReference<RulePack> live = new AtomicReference<>();
    private volatile RulePackStatus status;

    public LiveRulePack(RulePackLoader loader, Clock clock) {
        this.loader = loader;
        this.clock = clock;
        this.status = new RulePackStatus("", List.of(), null, null, List.of(), List.of());
    }

    @Override
    public RulePack get() {
        return live.get();
    }

    public RulePackStatus status() {
        return status;
    }

    public RulesDirectory directory() {
        return loader.directory();
    }

    /** Builds and, if good, installs the pack on disk now. Reloads run one at a time. */
    public synchronized RulePackStatus reload() {
        RulePack current = live.get();
        try {
            RulePack candidate = loader.load();
            live.set(candidate);
            status = new RulePackStatus(candidate.revision(), candidate.files(), candidate.loadedAt(), clock.instant(), List.of(),
                    status.warnings());
            if (current != null && current.revision().equals(candidate.revision())) {
                LOG.info("rule pack {} reloaded, unchanged", candidate.revision());
            } else {
                LOG.info("rule pack {} is live ({} files){}", candidate.revision(), candidate.files().size(),
                        current == null ? "" : ", replacing " + current.revision());
            }
        } catch (RuleCompilationException e) {
            List<String> errors = e.problems().stream().map(RuleProblem::toString).toList();
            errors.forEach(error -> LOG.error("rule pack refused: {}", error));
            LOG.error("{}", current == null ? "no rule pack is loaded: every request is refused with 503"
                    : "rule pack " + current.revision() + " stays live");
            status = current == null
                    ? new RulePackStatus("", List.of(), null, clock.instant(), errors, status.warnings())
                    : new RulePackStatus(current.revision(), current.files(), current.loadedAt(), clock.instant(), errors,
                            status.warnings());
        } catch (RuntimeException e) {
            // A compiler crash must not take the live pack down with it.
            LOG.error("rule pack refused: the rule compiler failed: {}", e.toString(), e);
            status = new RulePackStatus(current == null ? "" : current.revision(),
                    current == null ? List.of() : current.files(), current == null ? null : current.loadedAt(),
                    clock.instant(), List.of("the rule compiler failed: " + e.getMessage()), status.warnings());
        }
        return status;
    }

    /** Something an operator must act on, kept in the status until restart (e.g. watching stopped). */
    public synchronized void warn(String warning) {
        LOG.error("{}", warning);
        status = status.withWarning(warning);
    }
}
