package io.portcullis.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;
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

    /**
     * Values shaped to make a careless scanner quadratic (a search to the end of the value from every
     * position). At 200,000 characters, linear work takes milliseconds and quadratic work minutes;
     * the numbers are in DetectionBenchmark, not asserted here.
     */
    @Test
    void longHostileValuesAreReadInOnePass() {
        int n = 200_000;
        List<String> values = List.of("'" + "on".repeat(n / 2), "\\u{".repeat(n / 3), " $ne".repeat(n / 4),
                ")(a~".repeat(n / 4), "a/*!".repeat(2048) + " ".repeat(n), "http://" + "a.".repeat(n / 2) + "nip.io",
                "<img src=" + "a".repeat(n) + " onerror=alert(1)>", "<a".repeat(n / 2), "\"".repeat(n),
                "${".repeat(n / 2) + "}".repeat(n / 2), "%25".repeat(n / 3), "&#".repeat(n / 2), "../".repeat(n / 3),
                "1 OR ".repeat(n / 5) + "1=1", "(".repeat(n), "<!doctype".repeat(n / 9), "|a".repeat(n / 2));
        AttackDetection detection = AttackDetection.standard(4, AttackDetection.Mode.BLOCK, 100, AddressReputation.NONE);
        for (String value : values) {
            assertThatCode(() -> detection.detect(List.of(new InspectedValue("body/x", InspectedValue.Source.BODY, value))))
                    .doesNotThrowAnyException();
        }
        assertThat(detection.detect(List.of(new InspectedValue("body/x", InspectedValue.Source.BODY, values.get(6)))))
                .extracting(io.portcullis.engine.model.Detection::kind).contains("XSS");
    }

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
