package io.portcullis.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesAuditLogTest {

    @Test
    void aClaimedNameCannotSplitOrDisguiseTheLine() throws Exception {
        // U+2028 ends a line for JavaScript and Python's splitlines; U+202E turns the text after it around.
        String claimed = "alice\u2028{\"forged\":true}\u202Eevil";
        DecisionEvent event = new DecisionEvent(DecisionEvent.VERSION, "r-1", Instant.parse("2026-11-23T10:00:00Z"), "bank-rest",
                "REST", "getAccount", "GET", "/api/accounts/acc-1", "192.0.2.1", null,
                new DecisionEvent.Caller("", "NONE", List.of(), "", List.of(), ""), "BASIC_PASSWORD_WRONG", claimed, "REQUEST",
                "DENY", 401, List.of("AUTHN_REQUIRED"), List.of(), List.of(), List.of(), List.of(), "rev", null, 10);

        String line = JsonLinesAuditLog.line(event);

        assertThat(line).doesNotContain("\u2028", "\u202E").contains("alice\\u2028{\\\"forged\\\":true}\\u202Eevil");
        assertThat(line.lines()).hasSize(1);
        assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
