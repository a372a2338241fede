package io.portcullis.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each event as one JSON line to the SLF4J logger {@value #LOGGER}; the logging
 * configuration decides where that goes (a file, stdout, a collector), as for any log.
 */
public final class JsonLinesAuditLog implements AuditLog {

    public static final String LOGGER = "portcullis.audit";

    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

    @Override
    public void record(DecisionEvent event) {
        try {
            AUDIT.info(JSON.writeValueAsString(event));
        } catch (Exception e) {
            LOG.error("audit event for request {} could not be written: {}", event.requestId(), e.toString());
        }
    }
}
