package io.portcullis.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.detect.DetectionCorpus.Sample;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Detection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The detection-quality harness: every corpus line through the real detectors at the default
 * paranoia level (1), judged as the bundled rule judges (refused when the anomaly score reaches
 * {@link #THRESHOLD}). Writes the measured rates to {@code target/detection-report.md}, the source
 * of docs/detection.md, and holds the held-out set to the targets: at least 95 % of attacks
 * refused, at most 2 % of benign values.
 */
public class DetectionCorpusTest {

    /** The default {@code detection.threshold}. */
    static final int THRESHOLD = AttackDetection.DEFAULT_THRESHOLD;
    private static final AttackDetection DETECTION = detection(1);

    private static AttackDetection detection(int paranoia) {
        return detection(paranoia, THRESHOLD);
    }

    private static AttackDetection detection(int paranoia, int threshold) {
        return AttackDetection.standard(paranoia, AttackDetection.Mode.BLOCK, threshold, AddressReputation.NONE);
    }

    record Rate(int total, int hits, List<String> examples) {
        double percent() {
            return total == 0 ? 0 : 100.0 * hits / total;
        }
    }

    @Test
    void heldOutAttacksAreRefusedAndBenignValuesPass() throws IOException {
        Map<String, Rate> holdoutAttacks = attackRates("holdout");
        Map<String, Rate> holdoutBenign = benignRates("holdout");
        Map<String, Rate> devAttacks = attackRates("dev");
        Map<String, Rate> devBenign = benignRates("dev");
        Path report = Path.of("target/detection-report.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, report(holdoutAttacks, holdoutBenign, devAttacks, devBenign) + "\n" + byParanoia(),
                StandardCharsets.UTF_8);

        assertThat(total(holdoutAttacks).percent()).as("held-out attacks refused (misses: %s)", misses(holdoutAttacks))
                .isGreaterThanOrEqualTo(95.0);
        assertThat(total(holdoutBenign).percent()).as("held-out benign values refused (%s)", misses(holdoutBenign))
                .isLessThanOrEqualTo(2.0);
    }

    private static Map<String, Rate> attackRates(String set) {
        return attackRates(set, DETECTION);
    }

    private static Map<String, Rate> attackRates(String set, AttackDetection detection) {
        Map<String, Rate> rates = new TreeMap<>();
        for (Sample sample : DetectionCorpus.BUNDLED.samples(set, true)) {
            ApiRequest inspected = detection.inspect(DetectionCorpus.request(sample));
            List<Detection> found = inspected.detections();
            boolean refused = refused(inspected);
            String family = DetectionCorpus.FAMILIES.get(sample.kind());
            boolean named = found.stream().anyMatch(d -> d.kind().equals(family));
            add(rates, sample.kind(), refused, refused ? null : sample.payload());
            add(rates, sample.kind() + " (named as " + family + ")", named, null);
        }
        return rates;
    }

    private static Map<String, Rate> benignRates(String set) {
        return benignRates(set, DETECTION);
    }

    private static Map<String, Rate> benignRates(String set, AttackDetection detection) {
        Map<String, Rate> rates = new TreeMap<>();
        for (Sample sample : DetectionCorpus.BUNDLED.samples(set, false)) {
            ApiRequest inspected = detection.inspect(DetectionCorpus.request(sample));
            List<Detection> found = inspected.detections();
            boolean refused = refused(inspected);
            add(rates, sample.kind(), refused, refused ? sample.payload() + " " + found : null);
        }
        return rates;
    }

    /** As the bundled rule judges: the anomaly score reaches the route's threshold (no exemption names this route). */
    private static boolean refused(ApiRequest inspected) {
        return inspected.detections().stream().mapToInt(Detection::score).sum()
                >= ((Number) inspected.attribute(AttackDetection.THRESHOLD)).intValue();
    }

    private static void add(Map<String, Rate> rates, String key, boolean hit, String example) {
        Rate rate = rates.getOrDefault(key, new Rate(0, 0, List.of()));
        List<String> examples = new ArrayList<>(rate.examples());
        if (example != null) {
            examples.add(example);
        }
        rates.put(key, new Rate(rate.total() + 1, rate.hits() + (hit ? 1 : 0), examples));
    }

    private static Rate total(Map<String, Rate> rates) {
        int total = 0;
        int hits = 0;
        List<String> examples = new ArrayList<>();
        for (var entry : rates.entrySet()) {
            if (!entry.getKey().contains("(named")) {
                total += entry.getValue().total();
                hits += entry.getValue().hits();
                examples.addAll(entry.getValue().examples());
            }
        }
        return new Rate(total, hits, examples);
    }

    private static String misses(Map<String, Rate> rates) {
        List<String> examples = total(rates).examples();
        return String.join("\n", examples.subList(0, Math.min(examples.size(), 400)));
    }

    private static String report(Map<String, Rate> holdoutAttacks, Map<String, Rate> holdoutBenign,
                                 Map<String, Rate> devAttacks, Map<String, Rate> devBenign) {
        StringBuilder out = new StringBuilder();
        out.append("| set | family | attacks | refused | rate | named as the family |\n|---|---|---:|---:|---:|---:|\n");
        for (var set : List.of(Map.entry("held-out", holdoutAttacks), Map.entry("dev", devAttacks))) {
            for (var entry : set.getValue().entrySet()) {
                if (entry.getKey().contains("(named")) {
                    continue;
                }
                Rate named = set.getValue().entrySet().stream().filter(e -> e.getKey().startsWith(entry.getKey() + " (named"))
                        .findFirst().orElseThrow().getValue();
                out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f %% | %.1f %% |%n", set.getKey(),
                        entry.getKey(), entry.getValue().total(), entry.getValue().hits(), entry.getValue().percent(),
                        named.percent()));
            }
            Rate all = total(set.getValue());
            out.append(String.format(Locale.ROOT, "| %s | **all** | %d | %d | **%.1f %%** | |%n", set.getKey(), all.total(),
                    all.hits(), all.percent()));
        }
        out.append("\n| set | benign kind | values | refused | false-positive rate |\n|---|---|---:|---:|---:|\n");
        for (var set : List.of(Map.entry("held-out", holdoutBenign), Map.entry("dev", devBenign))) {
            for (var entry : set.getValue().entrySet()) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f %% |%n", set.getKey(), entry.getKey(),
                        entry.getValue().total(), entry.getValue().hits(), entry.getValue().percent()));
            }
            Rate all = total(set.getValue());
            out.append(String.format(Locale.ROOT, "| %s | **all** | %d | %d | **%.1f %%** |%n", set.getKey(), all.total(),
                    all.hits(), all.percent()));
        }
        return out.toString();
    }

    /**
     * The held-out set at each paranoia level and three thresholds, for operators choosing them:
     * measured, not held to a target (only the defaults are), and the detectors were not tuned on it.
     */
    private static String byParanoia() {
        StringBuilder out = new StringBuilder("| paranoia | threshold | held-out attacks refused | held-out benign refused | benign kinds refused |\n"
                + "|---:|---:|---:|---:|---|\n");
        for (int[] level : new int[][] {{1, 100}, {2, 100}, {3, 100}, {4, 100}, {1, 50}, {2, 50}, {1, 25}, {2, 25}, {4, 25}}) {
            int paranoia = level[0];
            AttackDetection detection = detection(paranoia, level[1]);
            Rate attacks = total(attackRates("holdout", detection));
            Map<String, Rate> benign = benignRates("holdout", detection);
            Rate allBenign = total(benign);
            List<String> kinds = benign.entrySet().stream().filter(entry -> entry.getValue().hits() > 0)
                    .map(entry -> String.format(Locale.ROOT, "%s %d of %d", entry.getKey(), entry.getValue().hits(),
                            entry.getValue().total())).toList();
            out.append(String.format(Locale.ROOT, "| %d | %d | %.1f %% (%d of %d) | %.1f %% (%d of %d) | %s |%n", paranoia, level[1],
                    attacks.percent(), attacks.hits(), attacks.total(), allBenign.percent(), allBenign.hits(), allBenign.total(),
                    kinds.isEmpty() ? "none" : String.join(", ", kinds)));
        }
        return out.toString();
    }

    /** Tuning aid, run by hand: every dev miss and false positive. */
    public static void main(String[] args) {
        for (String set : args.length == 0 ? new String[] {"dev"} : args) {
            System.out.println("== missed attacks (" + set + ")");
            System.out.println(misses(attackRates(set)));
            System.out.println("== refused benign values (" + set + ")");
            System.out.println(misses(benignRates(set)));
            System.out.println(report(attackRates(set), benignRates(set), Map.of(), Map.of()));
        }
    }
}
