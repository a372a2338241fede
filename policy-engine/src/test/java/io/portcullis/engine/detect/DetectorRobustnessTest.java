package io.portcullis.engine.detect;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.portcullis.engine.detect.DetectionCorpus.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A detector that throws refuses an innocent request (the gateway fails closed), so none may throw
 * on any input: random strings over the characters attacks are made of, and every corpus line cut
 * and spliced at random. The seed is fixed, so a failure repeats.
 */
class DetectorRobustnessTest {

    private static final String ALPHABET = "'\"`<>/\\;|&$(){}[]%#=*-+.:,!?@^~ \t\n\u0000aeiosxAZ019"
            + "\u00c0\u2215\uff0e\ud83d\ude00";

    @Test
    void noDetectorThrowsOnAnyValue() {
        Random random = new Random(7);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(40);
            for (int k = 0; k < length; k++) {
                value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            values.add(value.toString());
        }
        List<Sample> corpus = new ArrayList<>(DetectionCorpus.BUNDLED.samples("dev", true));
        corpus.addAll(DetectionCorpus.BUNDLED.samples("dev", false));
        for (Sample sample : corpus) {
            String line = sample.payload();
            for (int k = 0; k < 5; k++) {
                int from = random.nextInt(line.length() + 1);
                int to = from + random.nextInt(line.length() - from + 1);
                values.add(line.substring(0, from) + line.substring(to));
                values.add(line.substring(from, to));
            }
        }
        for (Detector detector : AttackDetection.standardDetectors()) {
            for (String value : values) {
                for (InspectedValue.Source source : InspectedValue.Source.values()) {
                    InspectedValue inspected = new InspectedValue("query/q", source, value);
                    assertThatCode(() -> detector.inspect(inspected, Decoding.forms(value), (score, level, evidence) -> { }))
                            .as("%s on %s", detector.family(), value).doesNotThrowAnyException();
                }
            }
        }
    }
}
