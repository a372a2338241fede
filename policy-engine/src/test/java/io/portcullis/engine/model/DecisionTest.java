package io.portcullis.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionTest {

    static Decision permit(String reason, Obligation... obligations) {
        return new Decision(Decision.Effect.PERMIT, 200, List.of(reason), "", List.of(obligations), List.of("p-" + reason), "r");
    }

    static Decision deny(int status, String reason) {
        return new Decision(Decision.Effect.DENY, status, List.of(reason), "no " + reason, List.of(), List.of("d-" + reason), "r");
    }

    @Test
    void viewsArePermittedTogetherWithAllTheirObligations() {
        Decision all = Decision.allOf(List.of(permit("A", Obligation.redactField("/x")),
                permit("B", Obligation.redactField("/x"), Obligation.redactField("/y"))));

        assertThat(all.permitted()).isTrue();
        assertThat(all.reasons()).containsExactly("A", "B");
        assertThat(all.obligations()).containsExactly(Obligation.redactField("/x"), Obligation.redactField("/y"));
        assertThat(all.ruleIds()).containsExactly("p-A", "p-B");
    }

    @Test
    void oneRefusingViewRefusesTheRequestLedByIndeterminateThenByAuthentication() {
        Decision refused = Decision.allOf(List.of(permit("A"), deny(403, "BOLA"), deny(401, "AUTHN")));
        Decision broken = Decision.allOf(List.of(deny(401, "AUTHN"), Decision.indeterminate(500, "POLICY_ERROR", "r")));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.message()).isEqualTo("no AUTHN");
        assertThat(refused.reasons()).containsExactly("AUTHN", "BOLA");
        assertThat(refused.obligations()).isEmpty();
        assertThat(broken.effect()).isEqualTo(Decision.Effect.INDETERMINATE);
        assertThat(broken.status()).isEqualTo(500);
    }
}
