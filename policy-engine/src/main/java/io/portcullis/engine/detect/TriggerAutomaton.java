package io.portcullis.engine.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prefilter: an Aho-Corasick automaton over all detectors' triggers, compiled to a complete
 * transition table, that reads a value once and answers which detectors could find anything in it
 * (a bit per detector). Case is folded and every whitespace character reads as a space, so
 * {@code " or "} also matches {@code "\tOR\n"}; every character outside ASCII reads as one symbol, so
 * a trigger spelled with a non-ASCII character fires on any non-ASCII character. Linear in the value,
 * no allocation per character or per match.
 */
final class TriggerAutomaton {

    private static final int OTHER = 128;
    private static final int SYMBOLS = 129;

    private final int[][] next;
    private final long[] output;

    /** @param triggers each trigger and the detectors (bits) it selects */
    TriggerAutomaton(Map<String, Long> triggers) {
        List<int[]> go = new ArrayList<>();
        List<Long> out = new ArrayList<>();
        go.add(newState());
        out.add(0L);
        for (Map.Entry<String, Long> trigger : triggers.entrySet()) {
            int state = 0;
            for (int i = 0; i < trigger.getKey().length(); i++) {
                int symbol = symbol(trigger.getKey().charAt(i));
                if (go.get(state)[symbol] < 0) {
                    go.get(state)[symbol] = go.size();
                    go.add(newState());
                    out.add(0L);
                }
                state = go.get(state)[symbol];
            }
            out.set(state, out.get(state) | trigger.getValue());
        }
        int states = go.size();
        next = new int[states][];
        output = new long[states];
        int[] fail = new int[states];
        for (int s = 0; s < states; s++) {
            next[s] = go.get(s).clone();
            output[s] = out.get(s);
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < SYMBOLS; c++) {
            if (next[0][c] < 0) {
                next[0][c] = 0;
            } else {
                fail[next[0][c]] = 0;
                queue.add(next[0][c]);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            output[s] |= output[fail[s]];
            for (int c = 0; c < SYMBOLS; c++) {
                int child = next[s][c];
                if (child < 0) {
                    next[s][c] = next[fail[s]][c];
                } else {
                    fail[child] = next[fail[s]][c];
                    queue.add(child);
                }
            }
        }
    }

    private static int[] newState() {
        int[] transitions = new int[SYMBOLS];
        java.util.Arrays.fill(transitions, -1);
        return transitions;
    }

    static int symbol(char c) {
        if (c >= 128) {
            return Character.isWhitespace(c) || Character.isSpaceChar(c) ? ' ' : OTHER;
        }
        if (c >= 'A' && c <= 'Z') {
            return c + ('a' - 'A');
        }
        return c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' ? ' ' : c;
    }

    /** The detectors whose triggers occur in the text; stops early once all of {@code all} are found. */
    long scan(CharSequence text, long all) {
        long found = 0;
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            state = next[state][symbol(text.charAt(i))];
            found |= output[state];
            if (found == all) {
                return found;
            }
        }
        return found;
    }
}
