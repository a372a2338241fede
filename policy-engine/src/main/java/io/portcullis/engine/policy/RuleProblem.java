package io.portcullis.engine.policy;

/**
 * Something wrong with a rule pack, located as precisely as the compiler allows.
 *
 * @param file    the rule file (relative to the rules directory), or empty for pack-wide problems
 * @param line    1-based line, or 0 when unknown
 * @param message what is wrong
 */
public record RuleProblem(String file, int line, String message) {

    @Override
    public String toString() {
        if (file.isEmpty()) {
            return message;
        }
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
