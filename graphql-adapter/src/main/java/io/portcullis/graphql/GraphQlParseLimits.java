package io.portcullis.graphql;

/**
 * Bounds on the work spent parsing one GraphQL document, enforced by graphql-java's parser while
 * it reads, so an oversized or token-bomb query is cut off before it costs memory or CPU. They are
 * parser limits, not the per-route policy limits on depth or cost, which rules apply to the
 * {@link GraphQlOperation} afterwards.
 *
 * <p>Build one from configuration at start-up (the constructor refuses non-positive values) or use
 * {@link #DEFAULTS}.
 *
 * @param maxCharacters       longest document accepted
 * @param maxTokens           most grammar tokens (names, punctuation, values)
 * @param maxWhitespaceTokens most whitespace and comment tokens, which {@code maxTokens} does not count
 * @param maxRuleDepth        deepest grammar nesting, which bounds selection-set and value nesting
 *                            and the parser's stack
 */
public record GraphQlParseLimits(int maxCharacters, int maxTokens, int maxWhitespaceTokens, int maxRuleDepth) {

    /** Generous for hand-written and generated client queries, small for an attacker. */
    public static final GraphQlParseLimits DEFAULTS = new GraphQlParseLimits(100_000, 10_000, 50_000, 200);

    public GraphQlParseLimits {
        requirePositive("maxCharacters", maxCharacters);
        requirePositive("maxTokens", maxTokens);
        requirePositive("maxWhitespaceTokens", maxWhitespaceTokens);
        requirePositive("maxRuleDepth", maxRuleDepth);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
