package io.portcullis.engine.audit;

/** Where decision events go. Implementations must not throw: auditing never decides a request. */
public interface AuditLog {

    void record(DecisionEvent event);
}
