package io.portcullis.engine.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.audit.DecisionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointInventoryTest {

    static DecisionEvent event(String operation, String method, String path, List<String> reasons, Instant time) {
        return new DecisionEvent(DecisionEvent.VERSION, "r", time, "bank-rest", "REST", operation, method, path, "192.0.2.1",
                null, new DecisionEvent.Caller("", "NONE", List.of(), "", List.of(), ""), "", "", "ADAPTER", "DENY", 404,
                reasons, List.of(), List.of(), List.of(), List.of(), "rev", null, 10);
    }

    @Test
    void shadowAndDeprecatedEndpointsAreCountedAndEveryEventStillReachesTheAudit() {
        List<DecisionEvent> audited = new ArrayList<>();
        EndpointInventory inventory = new EndpointInventory(audited::add);
        Instant first = Instant.parse("2026-11-22T10:00:00Z");
        inventory.record(event("", "GET", "/api/admin/export", List.of("OPENAPI_PATH_UNDECLARED"), first));
        inventory.record(event("", "GET", "/api/admin/export", List.of("OPENAPI_PATH_UNDECLARED"), first.plusSeconds(60)));
        inventory.record(event("UNDECLARED", "GET", "/internal/metrics", List.of("NOT_PERMITTED"), first));
        inventory.record(event("listTransfers", "GET", "/api/transfers", List.of("ROLE_ALLOWED", "DEPRECATED_OPERATION"), first));
        inventory.record(event("getAccount", "GET", "/api/accounts/acc-alice-1", List.of("ROLE_ALLOWED"), first));

        assertThat(audited).hasSize(5);
        assertThat(inventory.entries()).extracting(EndpointInventory.Entry::kind, EndpointInventory.Entry::path,
                EndpointInventory.Entry::calls).containsExactly(
                org.assertj.core.groups.Tuple.tuple("shadow", "/api/admin/export", 2L),
                org.assertj.core.groups.Tuple.tuple("deprecated", "/api/transfers", 1L),
                org.assertj.core.groups.Tuple.tuple("shadow", "/internal/metrics", 1L));
        assertThat(inventory.entries().get(0).lastSeen()).isEqualTo(first.plusSeconds(60));
        assertThat(inventory.entries().get(0).firstSeen()).isEqualTo(first);
    }

    @Test
    void aScannerWalkingRandomPathsCannotGrowItWithoutEnd() {
        EndpointInventory inventory = new EndpointInventory(event -> { });
        for (int i = 0; i < EndpointInventory.MAX_ENDPOINTS + 25; i++) {
            inventory.record(event("", "GET", "/probe/" + i, List.of("OPENAPI_PATH_UNDECLARED"), Instant.EPOCH));
        }
        assertThat(inventory.entries()).hasSize(EndpointInventory.MAX_ENDPOINTS);
        assertThat(inventory.dropped()).isEqualTo(25);
    }
}
