package io.portcullis.engine.policy;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One file of a rule pack.
 *
 * @param path    path relative to the rules directory, with forward slashes ({@code authz/ownership.drl})
 * @param content the file's bytes (decision tables may be binary spreadsheets)
 */
public record RuleSource(String path, byte[] content) {

    public RuleSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
