package io.portcullis.engine.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.audit.DecisionEvent;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Decision;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Peer;
import io.portcullis.engine.model.Protocol;
import io.portcullis.engine.policy.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request the adapter splits into views is admitted only if every view is permitted. */
class GatekeeperViewsTest {

    /** Splits a request whose path lists operations ({@code /ops/listBranches,getAccount}) into one view each. */
    static final ProtocolAdapter SPLITTING = new ProtocolAdapter() {
        @Override
        public Protocol protocol() {
            return Protocol.GRAPHQL;
        }

        @Override
        public ApiRequest normalize(HttpRequestMessage message, RequestContext context) {
            return ApiRequest.builder().id(context.requestId()).protocol(Protocol.GRAPHQL).route(context.route())
                    .operation("query").method(message.method()).path(message.rawPath()).peer(context.peer()).build();
        }

        @Override
        public List<ApiRequest> views(ApiRequest request) {
            return List.of(request.path().substring("/ops/".length()).split(",")).stream()
                    .map(operation -> request.toBuilder().operation(operation).build()).toList();
        }

        @Override
        public ApiResponse normalizeResponse(ApiRequest request, HttpResponseMessage response) {
            return new ApiResponse(request, response.status(), response.headers(), Map.of());
        }

        @Override
        public HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons,
                                           String message) {
            return new HttpResponseMessage(status, Map.of(), String.join(",", reasons).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message) {
            return refusal(request.id(), (HttpRequestMessage) null, status, reasons, message);
        }

        @Override
        public HttpRequestMessage fulfil(ApiRequest request, HttpRequestMessage forward, List<Obligation> obligations) {
            return forward;
        }

        @Override
        public HttpResponseMessage fulfil(ApiRequest request, HttpResponseMessage response, List<Obligation> obligations) {
            return response;
        }
    };

    /** Permits the public operation only. */
    static final PolicyEngine ENGINE = new PolicyEngine() {
        @Override
        public Decision decide(ApiRequest request) {
            return request.operation().equals("listBranches")
                    ? new Decision(Decision.Effect.PERMIT, 200, List.of("PUBLIC"), "", List.of(), List.of("access-001"), "r1")
                    : new Decision(Decision.Effect.DENY, 401, List.of("AUTHN_REQUIRED"), "Authentication is required.",
                            List.of(), List.of(), "r1");
        }

        @Override
        public Decision decideResponse(ApiResponse response) {
            return new Decision(Decision.Effect.PERMIT, 200, List.of(), "", List.of(), List.of(), "r1");
        }
    };

    final List<DecisionEvent> audit = new ArrayList<>();
    final Gatekeeper gatekeeper = new Gatekeeper("bank-graphql", SPLITTING, AuthenticationChain.none(), ENGINE, audit::add,
            Clock.systemUTC());

    Admission admit(String path) {
        return gatekeeper.admit(new HttpRequestMessage("POST", path, "", Map.of(), new byte[0]), new Peer("192.0.2.1", 1));
    }

    @Test
    void aPublicViewCannotCarryAPrivateOnePastTheRules() {
        Admission mixed = admit("/ops/listBranches,getAccount");

        assertThat(mixed.admitted()).isFalse();
        assertThat(mixed.reply().status()).isEqualTo(401);
        assertThat(audit).singleElement().satisfies(event -> assertThat(event.reasons()).contains("AUTHN_REQUIRED"));
    }

    @Test
    void everyViewPermittedAdmitsTheRequest() {
        Admission publicOnly = admit("/ops/listBranches,listBranches");

        assertThat(publicOnly.admitted()).isTrue();
        assertThat(publicOnly.decision().reasons()).containsExactly("PUBLIC");
    }
}
