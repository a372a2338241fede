package io.portcullis.engine.detect;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Detection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the detectors over every value a request carries, once per request, and hands what they
 * found to the rules: the request's {@link ApiRequest#detections()}, plus the facts
 * {@code detection.paranoia}, {@code detection.mode}, {@code detection.score} (the anomaly score,
 * the sum of the detections' scores) and {@code detection.threshold} (the score at which the route
 * refuses). Rules decide what a detection means: refuse, report, or
 * except a parameter that legitimately holds HTML.
 *
 * <p>One multi-pattern scan (Aho-Corasick, {@link TriggerAutomaton}) over each value picks the
 * detectors that could find anything in it. A detector that fails on a value is taken to have found
 * an attack there: the gateway fails closed, and the failure is logged.
 */
public final class AttackDetection {

    public static final String PARANOIA = "detection.paranoia";
    public static final String MODE = "detection.mode";
    public static final String SCORE = "detection.score";
    public static final String THRESHOLD = "detection.threshold";
    /** One certain detection, or several weaker ones, refuse a request. */
    public static final int DEFAULT_THRESHOLD = 100;

    /** {@code block}: rules refuse attacks; {@code monitor}: they report them and let the request through. */
    public enum Mode {
        BLOCK, MONITOR;

        public String fact() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AttackDetection.class);
    /**
     * Headers whose values are credentials, read whole elsewhere (cookies, one by one), or framing the
     * listener has already parsed: read only for lookups (Log4Shell travels in any header). Every
     * other header, Accept-Language and Origin included, is read like any value: back ends log them.
     */
    private static final Set<String> FRAMING_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key",
            "cookie", "content-length", "connection", "transfer-encoding", "te", "upgrade", "expect", "keep-alive",
            "x-forwarded-for", "forwarded");
    /** Parameter names are the client's: in detections and messages they are cut and kept printable. */
    private static final int MAX_NAME_CHARS = 64;
    /** Triggers every detector must see: an encoding can hide any of their own. */
    private static final List<String> ENCODINGS = List.of("%", "&#", "&lt", "&gt", "&quot", "&apos", "&colon", "\\u", "\\x");

    private final List<Detector> detectors;
    private final int paranoia;
    private final Mode mode;
    private final int threshold;
    private final BotSignatures bots;
    private final AddressReputation reputation;
    private final TriggerAutomaton prefilter;
    private final long unconditional;
    private final long all;
    private final int expressionDetector;

    /**
     * @param detectors  the detectors to run (at most 64)
     * @param paranoia   1..4: higher levels count weaker signs too, and see more false positives
     * @param threshold  the anomaly score at which the route's rules refuse
     * @param reputation lists of addresses known to be hostile
     */
    public AttackDetection(List<Detector> detectors, int paranoia, Mode mode, int threshold, BotSignatures bots,
                           AddressReputation reputation) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the threshold is at least 1, got " + threshold);
        }
        this.threshold = threshold;
        if (paranoia < 1 || paranoia > 4) {
            throw new IllegalArgumentException("paranoia level is 1 to 4, got " + paranoia);
        }
        if (detectors.size() > 64) {
            throw new IllegalArgumentException("at most 64 detectors");
        }
        this.detectors = List.copyOf(detectors);
        this.paranoia = paranoia;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.bots = Objects.requireNonNull(bots, "bots");
        this.reputation = Objects.requireNonNull(reputation, "reputation");
        Map<String, Long> byTrigger = new HashMap<>();
        long always = 0;
        int expression = -1;
        for (int d = 0; d < this.detectors.size(); d++) {
            Detector detector = this.detectors.get(d);
            if (detector.family().equals(ExpressionInjectionDetector.FAMILY)) {
                expression = d;
            }
            if (detector.triggers().isEmpty()) {
                always |= 1L << d;
            }
            for (String trigger : detector.triggers()) {
                byTrigger.merge(trigger.toLowerCase(Locale.ROOT), 1L << d, (a, b) -> a | b);
            }
            for (String encoding : ENCODINGS) {
                byTrigger.merge(encoding, 1L << d, (a, b) -> a | b);
            }
        }
        this.unconditional = always;
        this.all = this.detectors.size() == 64 ? -1L : (1L << this.detectors.size()) - 1;
        this.expressionDetector = expression;
        this.prefilter = new TriggerAutomaton(byTrigger);
    }

    /** Every detector this engine has, at the given level. */
    public static AttackDetection standard(int paranoia, Mode mode, int threshold, AddressReputation reputation) {
        return new AttackDetection(standardDetectors(), paranoia, mode, threshold, BotSignatures.STANDARD, reputation);
    }

    /** What a route has unless configured otherwise: every detector, paranoia 1, blocking. */
    public static AttackDetection defaults() {
        return standard(1, Mode.BLOCK, DEFAULT_THRESHOLD, AddressReputation.NONE);
    }

    public static List<Detector> standardDetectors() {
        return List.of(new SqlInjectionDetector(), new NoSqlInjectionDetector(), new CommandInjectionDetector(),
                new XssDetector(), new PathTraversalDetector(), new LdapInjectionDetector(), new XPathInjectionDetector(),
                new ExpressionInjectionDetector(), new SsrfDetector(), new XxeDetector());
    }

    /** The request with what the detectors found, and the detection facts rules read. */
    public ApiRequest inspect(ApiRequest request) {
        List<Detection> found = new ArrayList<>(detect(values(request)));
        found.addAll(bots.inspect(request, paranoia));
        String listed = reputation.listing(request.peer().address());
        if (listed != null) {
            found.add(new Detection(AddressReputation.FAMILY, "client", "address on the " + listed + " list", 100));
        }
        int score = 0;
        for (Detection detection : found) {
            score += detection.score();
        }
        Map<String, Object> attributes = new LinkedHashMap<>(request.attributes());
        attributes.put(PARANOIA, paranoia);
        attributes.put(MODE, mode.fact());
        attributes.put(SCORE, score);
        attributes.put(THRESHOLD, threshold);
        return request.toBuilder().detections(found).attributes(attributes).build();
    }

    /** What the detectors find in these values at this engine's paranoia level; one detection per family and place. */
    public List<Detection> detect(List<InspectedValue> values) {
        List<Detection> found = new ArrayList<>();
        for (InspectedValue value : values) {
            if (value.text().isEmpty()) {
                continue;
            }
            List<String> forms = needsDecoding(value.text()) ? Decoding.forms(value.text()) : List.of(value.text());
            long selected = select(value, forms);
            for (int d = 0; selected != 0 && d < detectors.size(); d++) {
                if ((selected & (1L << d)) == 0) {
                    continue;
                }
                Detector detector = detectors.get(d);
                int[] best = {0};
                String[] evidence = {""};
                try {
                    detector.inspect(value, forms, (score, level, what) -> {
                        if (level <= paranoia && score > best[0]) {
                            best[0] = Math.min(100, score);
                            evidence[0] = what;
                        }
                    });
                } catch (RuntimeException | StackOverflowError e) {
                    LOG.error("the {} detector failed on {} ({} characters); counted as an attack: {}", detector.family(),
                            value.location(), value.text().length(), e.toString());
                    best[0] = 100;
                    evidence[0] = "the detector could not read the value";
                }
                if (best[0] > 0) {
                    found.add(new Detection(detector.family(), value.location(), evidence[0], best[0]));
                }
            }
        }
        return found;
    }

    private static boolean needsDecoding(String text) {
        return text.indexOf('%') >= 0 || text.indexOf('&') >= 0 || text.indexOf('\\') >= 0;
    }

    /** The detectors whose triggers occur in some form of the value (framing headers: only lookups). */
    private long select(InspectedValue value, List<String> forms) {
        if (value.source() == InspectedValue.Source.HEADER && FRAMING_HEADERS.contains(headerName(value.location()))) {
            // Lookups and expressions always open with a brace or a call; most framing headers have neither.
            boolean expression = forms.stream().anyMatch(form -> form.indexOf('{') >= 0 || form.indexOf('(') >= 0);
            return expression && expressionDetector >= 0 ? 1L << expressionDetector : 0;
        }
        long selected = unconditional;
        for (String form : forms) {
            selected |= prefilter.scan(form, all);
        }
        return selected;
    }

    private static String headerName(String location) {
        return location.substring(location.indexOf('/') + 1);
    }

    /** Every value the request carries, each with the parameter path detections name. */
    public static List<InspectedValue> values(ApiRequest request) {
        List<InspectedValue> values = new ArrayList<>();
        values.add(new InspectedValue("path", InspectedValue.Source.PATH, request.path()));
        request.query().forEach((name, list) -> {
            values.add(new InspectedValue("query/" + printable(name), InspectedValue.Source.QUERY_NAME, name));
            for (String value : list) {
                values.add(new InspectedValue("query/" + printable(name), InspectedValue.Source.QUERY, value));
            }
        });
        request.headers().forEach((name, list) -> {
            for (String value : list) {
                values.add(new InspectedValue("header/" + printable(name), InspectedValue.Source.HEADER, value));
            }
        });
        for (String cookies : request.headers().getOrDefault("cookie", List.of())) {
            for (String pair : cookies.split(";")) {
                int equals = pair.indexOf('=');
                String name = (equals < 0 ? pair : pair.substring(0, equals)).strip();
                values.add(new InspectedValue("cookie/" + printable(name), InspectedValue.Source.COOKIE,
                        equals < 0 ? "" : pair.substring(equals + 1).strip()));
            }
        }
        Set<String> names = new LinkedHashSet<>();
        request.body().forEach((pointer, value) -> {
            if (value instanceof String text) {
                values.add(new InspectedValue("body" + printable(pointer), InspectedValue.Source.BODY, text));
            }
            int slash = pointer.lastIndexOf('/');
            String prefix = pointer;
            while (slash >= 0) {
                if (names.add(prefix)) {
                    String name = prefix.substring(slash + 1).replace("~1", "/").replace("~0", "~");
                    if (!name.isEmpty() && !isIndex(name)) {
                        values.add(new InspectedValue("body" + printable(prefix), InspectedValue.Source.BODY_NAME, name));
                    }
                }
                prefix = prefix.substring(0, slash);
                slash = prefix.lastIndexOf('/');
            }
        });
        return values;
    }

    /** A name as detections show it: cut, and with anything but printable ASCII (and quotes and brackets) as '?'. */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_NAME_CHARS + 1));
        for (int i = 0; i < name.length() && i < MAX_NAME_CHARS; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' ? '?' : c);
        }
        if (name.length() > MAX_NAME_CHARS) {
            out.append('~');
        }
        return out.toString();
    }

    private static boolean isIndex(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            if (!Character.isDigit(segment.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
