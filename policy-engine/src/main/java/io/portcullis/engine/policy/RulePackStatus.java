package io.portcullis.engine.policy;

import java.time.Instant;
import java.util.List;

/**
 * What the admin endpoint reports about rules.
 *
 * @param revision      revision of the live pack, empty when none is loaded
 * @param files         files of the live pack
 * @param loadedAt      when the live pack went live, null when none
 * @param lastAttemptAt when a reload was last attempted
 * @param lastErrors    why the last attempt was refused; empty when it succeeded
 * @param warnings      conditions that need an operator, such as file watching having stopped
 */
public record RulePackStatus(String revision, List<String> files, Instant loadedAt, Instant lastAttemptAt,
                             List<String> lastErrors, List<String> warnings) {

    public RulePackStatus {
        files = List.copyOf(files);
        lastErrors = List.copyOf(lastErrors);
        warnings = List.copyOf(warnings);
    }

    RulePackStatus withWarning(String warning) {
        List<String> more = new java.util.ArrayList<>(warnings);
        more.add(warning);
        return new RulePackStatus(revision, files, loadedAt, lastAttemptAt, lastErrors, more);
    }

    public boolean loaded() {
        return !revision.isEmpty();
    }
}
