package io.portcullis.engine.audit;

import java.time.Instant;
import java.util.List;

/**
 * One audit record per request, allowed or not (modelled on OPA's decision log event). Never holds
 * credentials, header values or bodies; {@code redactedFields} lists what was removed, not values.
 *
 * @param clientCertificate subject and x5t#S256 of the verified TLS client certificate, or null
 * @param claimedIdentity who a refused credential claimed to be (a Basic username, truncated), or null
 * @param stage where the outcome was decided: {@code ADAPTER} (refused as malformed),
 *              {@code REQUEST}, {@code RESPONSE}, {@code UPSTREAM} (the upstream failed),
 *              {@code PREFLIGHT} (a CORS preflight answered) or {@code ANSWER} (a request the
 *              gateway answered itself, such as a WS-SecureConversation context issued)
 */
public record DecisionEvent(
        int version,
        String requestId,
        Instant time,
        String route,
        String protocol,
        String operation,
        String method,
        String path,
        String clientAddress,
        String clientCertificate,
        Caller principal,
        String authenticationFailure,
        String claimedIdentity,
        String stage,
        String effect,
        int status,
        List<String> reasons,
        List<String> ruleIds,
        List<String> obligations,
        List<String> redactedFields,
        List<String> detections,
        String revision,
        Integer upstreamStatus,
        long latencyMicros) {

    public static final int VERSION = 1;

    /** Who called, as far as the audit needs: no secrets. */
    public record Caller(String subject, String authMethod, List<String> methods, String keyId, List<String> roles,
                         String tenant) {
    }
}
