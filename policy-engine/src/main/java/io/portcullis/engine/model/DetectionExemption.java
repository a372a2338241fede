package io.portcullis.engine.model;

import java.util.Objects;

/**
 * A rule's word that a detection is expected where it was found (a CMS field that legitimately
 * holds HTML), so it does not count towards the request's anomaly score. Exemption rules insert
 * these; the scoring rules ({@code rules/injection/attacks.drl}) run after them and skip what they
 * name.
 */
public record DetectionExemption(Detection detection) {

    public DetectionExemption {
        Objects.requireNonNull(detection, "detection");
    }
}
