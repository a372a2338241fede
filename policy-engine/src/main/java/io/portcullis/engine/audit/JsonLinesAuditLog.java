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
    // Non-ASCII is written escaped: a line separator (U+2028) or a bidi override in a claimed
    // username would otherwise split or disguise the line for consumers that read Unicode lines.
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));

    /** The event as one line of ASCII JSON. */
    static String line(DecisionEvent event) throws com.fasterxml.jackson.core.JsonProcessingException {
        return JSON.writeValueAsString(event);
    }

    @Override
    public void record(DecisionEvent event) {
        try {
            AUDIT.info(line(event));
        } catch (Exception e) {
            LOG.error("audit event for request {} could not be written: {}", event.requestId(), e.toString());
        }
    }
}
