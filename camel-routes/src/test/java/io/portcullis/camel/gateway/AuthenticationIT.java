package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.JSON;
import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static io.portcullis.camel.gateway.GatewayIT.requestId;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.engine.audit.DecisionEvent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP Basic and OAuth2 bearer tokens through the running gateway with the demo configuration:
 * each admits a valid caller with the expected principal; every failure is one indistinguishable
 * 401 whose real reason is only in the audit event.
 */
class AuthenticationIT {

    @TempDir
    static Path workDir;

    static RunningGateway gateway;
    static RSAKey demoKey;

    @BeforeAll
    static void start() throws Exception {
        gateway = new RunningGateway(workDir);
        demoKey = RSAKey.parse(Files.readString(RunningGateway.REPOSITORY.resolve("examples/config/jwt/demo-signing-key.json")));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void basicAdmitsAValidUserAsThatPrincipal() throws Exception {
        HttpResponse<String> response = gateway.send(gateway.get("/api/accounts/acc-bob-1", null)
                .header("Authorization", basic("bob", "bob-demo-password")));

        assertThat(response.statusCode()).isEqualTo(200);
        DecisionEvent.Caller caller = gateway.auditOf(requestId(response)).get(0).principal();
        assertThat(caller.subject()).isEqualTo("bob");
        assertThat(caller.authMethod()).isEqualTo("BASIC");
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() throws Exception {
        HttpResponse<String> wrong = gateway.send(gateway.get("/api/branches", null)
                .header("Authorization", basic("admin", "not-the-password")));
        HttpResponse<String> unknown = gateway.send(gateway.get("/api/branches", null)
                .header("Authorization", basic("nobody", "whatever")));

        assertThat(withoutRequestId(wrong)).isEqualTo(withoutRequestId(unknown));
        assertProblem(wrong, 401, "AUTHN_INVALID");
        assertThat(wrong.headers().allValues("www-authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic "));
        assertThat(wrong.body()).doesNotContain("admin", "not-the-password");
        assertThat(gateway.auditOf(requestId(wrong)).get(0).authenticationFailure()).isEqualTo("BASIC_PASSWORD_WRONG");
        assertThat(gateway.auditOf(requestId(wrong)).get(0).claimedIdentity()).isEqualTo("admin");
        assertThat(gateway.auditOf(requestId(unknown)).get(0).authenticationFailure()).isEqualTo("BASIC_USER_UNKNOWN");
    }

    @Test
    void repeatedFailuresLockOutTheUserWhileAnotherUserIsUnaffected() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertProblem(gateway.send(gateway.get("/api/branches", null)
                    .header("Authorization", basic("alice", "guess-" + i))), 401, "AUTHN_INVALID");
        }

        HttpResponse<String> rightPasswordWhileLocked = gateway.send(gateway.get("/api/accounts/acc-alice-1", null)
                .header("Authorization", basic("alice", "alice-demo-password")));
        HttpResponse<String> otherUser = gateway.send(gateway.get("/api/accounts/acc-bob-1", null)
                .header("Authorization", basic("bob", "bob-demo-password")));

        assertProblem(rightPasswordWhileLocked, 401, "AUTHN_INVALID");
        assertThat(gateway.auditOf(requestId(rightPasswordWhileLocked)).get(0).authenticationFailure())
                .isEqualTo("BASIC_LOCKED_OUT");
        assertThat(otherUser.statusCode()).isEqualTo(200);
    }

    @Test
    void bearerTokenAdmitsItsSubjectWithRolesScopesAndGrantedAccounts() throws Exception {
        String token = token(claims -> claims);

        HttpResponse<String> own = gateway.send(gateway.get("/api/accounts/acc-alice-1", null).header("Authorization", "Bearer " + token));
        HttpResponse<String> others = gateway.send(gateway.get("/api/accounts/acc-bob-1", null).header("Authorization", "Bearer " + token));

        assertThat(own.statusCode()).isEqualTo(200);
        DecisionEvent.Caller caller = gateway.auditOf(requestId(own)).get(0).principal();
        assertThat(caller.authMethod()).isEqualTo("JWT");
        assertThat(caller.keyId()).isEqualTo("demo-2026");
        assertProblem(others, 403, "BOLA_NOT_OWNER");
    }

    @Test
    void forgedExpiredAndMisaddressedTokensAreOneAnswerWithTheirReasonsAudited() throws Exception {
        String valid = token(claims -> claims);
        String[] parts = valid.split("\\.");
        String algNone = Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("demo-2026").build(),
                SignedJWT.parse(valid).getJWTClaimsSet());
        confused.sign(new MACSigner(demoKey.toRSAPublicKey().getEncoded()));
        String tampered = parts[0] + "." + Base64URL.encode(SignedJWT.parse(valid).getJWTClaimsSet().toString()
                .replace("\"alice\"", "\"admin\"")) + "." + parts[2];
        List<String> refused = List.of(
                algNone,
                confused.serialize(),
                tampered,
                token(claims -> claims.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5))))),
                token(claims -> claims.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))),
                token(claims -> claims.issuer("https://evil.example")),
                token(claims -> claims.audience("someone-else")));

        String firstBody = null;
        for (String token : refused) {
            HttpResponse<String> response = gateway.send(gateway.get("/api/accounts/acc-alice-1", null)
                    .header("Authorization", "Bearer " + token));
            assertProblem(response, 401, "AUTHN_INVALID");
            assertThat(response.body()).doesNotContain(token.substring(0, 20));
            firstBody = firstBody == null ? withoutRequestId(response) : firstBody;
            assertThat(withoutRequestId(response)).isEqualTo(firstBody);
        }
        assertThat(gateway.audit.stream().map(DecisionEvent::authenticationFailure))
                .contains("JWT_ALGORITHM_REFUSED", "JWT_SIGNATURE_INVALID", "JWT_EXPIRED", "JWT_NOT_YET_VALID",
                        "JWT_ISSUER_INVALID", "JWT_AUDIENCE_INVALID");
    }

    @Test
    void aKeyAndATokenTogetherAreRefusedAsAmbiguous() throws Exception {
        HttpResponse<String> response = gateway.send(gateway.get("/api/accounts/acc-alice-1", "alice-demo-key")
                .header("Authorization", "Bearer " + token(claims -> claims)));

        assertProblem(response, 401, "AUTHN_INVALID");
        assertThat(gateway.auditOf(requestId(response)).get(0).authenticationFailure()).isEqualTo("CREDENTIALS_AMBIGUOUS");
    }

    static String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("https://idp.portcullis.demo").audience("portcullis-demo").subject("alice")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
                .claim("roles", List.of("customer")).claim("scope", "accounts:read")
                .claim("accounts", List.of("acc-alice-1"));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(demoKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), change.apply(claims).build());
        jwt.sign(new RSASSASigner(demoKey));
        return jwt.serialize();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String withoutRequestId(HttpResponse<String> response) throws Exception {
        var problem = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(response.body());
        problem.remove("requestId");
        return response.statusCode() + " " + problem;
    }
}
