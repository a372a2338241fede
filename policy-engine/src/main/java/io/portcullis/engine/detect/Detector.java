package io.portcullis.engine.detect;

import java.util.List;

/**
 * Looks for one attack family in one value. Detectors are stateless and thread-safe; one instance
 * serves every request.
 *
 * <p>A detector names the substrings without which it cannot find anything ({@link #triggers}):
 * the values that contain none of them are never handed to it, so benign traffic costs one
 * multi-pattern scan rather than one pass per detector.
 */
public interface Detector {

    /** The family, as detections and reason codes name it ({@code SQL_INJECTION}). */
    String family();

    /** Lower-case substrings one of which every value it can flag contains; empty means "read every value". */
    List<String> triggers();

    /**
     * Reports what it sees in the value.
     *
     * @param forms the value and its decoded forms ({@link Decoding#forms}), the value first
     */
    void inspect(InspectedValue value, List<String> forms, Signals signals);

    /** Where a detector reports: how sure it is, from which paranoia level on, and what it saw. */
    interface Signals {

        /**
         * @param score    0..100; 100 means the value is an attack whatever the context
         * @param paranoia the lowest paranoia level (1..4) at which this finding counts
         * @param evidence what matched, described in words (never the value itself)
         */
        void report(int score, int paranoia, String evidence);
    }
}
