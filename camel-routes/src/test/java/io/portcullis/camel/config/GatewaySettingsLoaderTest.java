package io.portcullis.camel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator.IdentitySource;
import io.portcullis.soap.WsSecurityPolicy;
import io.portcullis.soap.Wss4jMessageSecurer.KeyIdentifier;
import io.portcullis.soap.Wss4jMessageSecurer.KeyIdentifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.wss4j.common.bsp.BSPRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration stops the start with a message naming the key. */
class GatewaySettingsLoaderTest {

    static final Path EXAMPLE = ExampleConfig.FILE;

    @TempDir
    Path dir;

    @Test
    void bundledExampleIsValidAndResolvesPathsAgainstItsFolder() throws Exception {
        GatewaySettings settings = GatewaySettingsLoader.load(EXAMPLE);

        assertThat(settings.listener().port()).isEqualTo(8080);
        assertThat(settings.rulesDirectory()).isEqualTo(EXAMPLE.getParent().resolve("../../rules").normalize());
        assertThat(settings.apiKeys().file()).isRegularFile();
        assertThat(settings.routes()).extracting(GatewaySettings.Route::name).containsExactly("bank-rest", "bank-soap", "bank-graphql",
                "echo");
        GatewaySettings.WsSecurity soap = settings.routes().get(1).wsSecurity();
        assertThat(soap.keyStore()).isRegularFile();
        assertThat(soap.policy().alternatives()).hasSize(4);
        assertThat(soap.policy().alternatives().get(2).signedWith()).isEqualTo(WsSecurityPolicy.SignedWith.ENCRYPTED_KEY);
        assertThat(soap.policy().alternatives().get(3).signedWith()).isEqualTo(WsSecurityPolicy.SignedWith.SECURITY_CONTEXT);
        assertThat(soap.secureConversation()).isEqualTo(new io.portcullis.soap.SecurityContexts.Limits(java.time.Duration.ofHours(1),
                java.time.Duration.ofHours(1), 10_000, 10, java.time.Duration.ofMinutes(5)));
        assertThat(soap.policy().alternatives().get(0).signedWith()).isEqualTo(WsSecurityPolicy.SignedWith.CERTIFICATE);
        assertThat(soap.toString()).doesNotContain("demo-only");
        assertThat(settings.tlsListener().requiresClientCertificate()).isTrue();
        assertThat(settings.basic().throttle().maxUserFailures()).isEqualTo(5);
        assertThat(settings.jwt().issuer()).isEqualTo("https://idp.portcullis.demo");
        assertThat(settings.tlsListener().crlFile()).isRegularFile();
        assertThat(settings.tlsListener().identityFrom()).isEqualTo(IdentitySource.SUBJECT_CN);
    }

    @Test
    void soapSettingsThatCannotWorkAreRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> load(example().replace("{timestamp: true, signed: [Body, Timestamp], encrypted: [Body]}",
                "{signed: [Body, Envelope]}")))
                .hasMessageContaining("routes[1].wsSecurity.require[0].signed: 'Envelope' must be one of");
        assertThatThrownBy(() -> load(example().replace("\"{urn:portcullis:demo-bank}Transfer as transfer\"", "Transfer")))
                .hasMessageContaining("routes[1].operations[1]");
        assertThatThrownBy(() -> load(example().replace("{timestamp: true, usernameToken: true}", "{}")))
                .hasMessageContaining("routes[1].wsSecurity.require[1]: demands nothing");
        assertThatThrownBy(() -> load(example().replace("signed: [Body, Timestamp]", "signed: [Body]")))
                .hasMessageContaining("routes[1].wsSecurity.require[0].signed: must include Timestamp");
        assertThatThrownBy(() -> load(example().replace("      trustStore: ", "      #trustStore: ")))
                .hasMessageContaining("routes[1].wsSecurity.trustStore: required when a signature is required");
        assertThatThrownBy(() -> load(example().replace("signed: [Body, Timestamp]", "signed: [Body, Timestamp, Signature]")))
                .hasMessageContaining("routes[1].wsSecurity.require[0].signed: Signature can be required encrypted, not signed");
        assertThatThrownBy(() -> load(example().replace("encrypted: [Body]}", "encrypted: [Body, Signature]}")
                .replace("signed: [Body, Timestamp], ", "")))
                .hasMessageContaining("routes[1].wsSecurity.require[0].encrypted: Signature means the Body's signature");
        assertThatThrownBy(() -> load(example().replace("      allowSha1: false", "      waiveBspRules: [R3203]\n      allowSha1: false")))
                .hasMessageContaining("routes[1].wsSecurity.waiveBspRules: 'R3203' cannot be waived; only [R3029, R3030, R4201, R5215] can");
        assertThatThrownBy(() -> load(example().replace("      allowSha1: false", "      waiveBspRules: [R3029]\n      allowSha1: false")))
                .hasMessageContaining("routes[1].wsSecurity.waiveBspRules: R3029 and R3030 go together");
        assertThatThrownBy(() -> load(example().replace("responses: {sign: true, encrypt: false}",
                "responses: {sign: true, encrypt: false, keyIdentifiers: {encryption: thumbprint}}")))
                .hasMessageContaining("routes[1].wsSecurity.responses.keyIdentifiers.encryption: nothing is encrypted");
        assertThatThrownBy(() -> load(example().replace("responses: {sign: true, encrypt: false}",
                "responses: {sign: true, encrypt: true, keyIdentifiers: {encryption: sha1}}")))
                .hasMessageContaining("routes[1].wsSecurity.responses.keyIdentifiers.encryption: 'sha1' must be one of "
                        + "direct-reference, issuer-serial, thumbprint, ski");
        assertThatThrownBy(() -> load(example().replace("usernameToken: true, signedWith: encrypted-key",
                "usernameToken: true, signedWith: hmac")))
                .hasMessageContaining("routes[1].wsSecurity.require[2].signedWith: must be one of certificate, encrypted-key, "
                        + "security-context");
        assertThatThrownBy(() -> load(example().replace("signedWith: encrypted-key, signed: [Body, Timestamp, UsernameToken]",
                "signedWith: encrypted-key, signed: [Body, Timestamp]")))
                .hasMessageContaining("routes[1].wsSecurity.require[2]: a signature with an encrypted key proves no identity: "
                        + "require usernameToken and signed: [Body, Timestamp, UsernameToken] with it");
        assertThatThrownBy(() -> load(example().replace("{timestamp: true, signedWith: security-context",
                "{timestamp: true, usernameToken: true, signedWith: security-context")))
                .hasMessageContaining("routes[1].wsSecurity.require[3]: a signature with a security context stands for the caller");
        assertThatThrownBy(() -> load(example().replace("        - {timestamp: true, signedWith: security-context", "        # -")))
                .hasMessageContaining("routes[1].wsSecurity.secureConversation: no require entry has signedWith: security-context");
        assertThatThrownBy(() -> load(example().replace("responses: {sign: true, encrypt: false}", "responses: {sign: false}")))
                .hasMessageContaining("routes[1].wsSecurity.responses.sign: must be true where signedWith: security-context");
        assertThatThrownBy(() -> load(example().replace("        - {timestamp: true, signed: [Body, Timestamp], encrypted: [Body]}", "")
                .replace("        - {timestamp: true, usernameToken: true, signedWith: encrypted-key", "        # - {")))
                .hasMessageContaining("routes[1].wsSecurity.require: signedWith: security-context needs another entry, signed and "
                        + "with the Body encrypted");
        assertThatThrownBy(() -> load(example().replace("lifetimeSeconds: 3600", "lifetimeSeconds: 10")))
                .hasMessageContaining("routes[1].wsSecurity.secureConversation: lifetimeSeconds must be 60..86400");
        for (String prefix : List.of("16", "129")) {
            assertThatThrownBy(() -> load(example().replace("  # ipv6CountingPrefix: 64", "  ipv6CountingPrefix: " + prefix)))
                    .hasMessageContaining("network.ipv6CountingPrefix: 32 to 128");
        }
        assertThat(load(example().replace("  # ipv6CountingPrefix: 64", "  ipv6CountingPrefix: 56")).network().ipv6CountingPrefix())
                .isEqualTo(56);
        for (String window : List.of("-1", "86401")) {
            assertThatThrownBy(() -> load(example().replace("renewalWindowSeconds: 3600", "renewalWindowSeconds: " + window)))
                    .hasMessageContaining("renewalWindowSeconds 0..86400");
        }
        for (String rollover : List.of("-1", "901")) {
            assertThatThrownBy(() -> load(example().replace("keyRolloverSeconds: 300", "keyRolloverSeconds: " + rollover)))
                    .hasMessageContaining("keyRolloverSeconds must be 0..900 and at most half the lifetime");
        }
        assertThat(load(example().replace("keyRolloverSeconds: 300", "keyRolloverSeconds: 0")).routes().get(1).wsSecurity()
                .secureConversation().keyRollover()).isZero();
        // Half a short lifetime at most, so an old key never outlives what the lifetime was chosen for.
        assertThatThrownBy(() -> load(example().replace("lifetimeSeconds: 3600", "lifetimeSeconds: 300")))
                .hasMessageContaining("keyRolloverSeconds must be 0..900 and at most half the lifetime");
        assertThat(load(example().replace("lifetimeSeconds: 3600", "lifetimeSeconds: 300").replace(",\n                           keyRolloverSeconds: 300", ""))
                .routes().get(1).wsSecurity().secureConversation().keyRollover()).isEqualTo(java.time.Duration.ofSeconds(150));
    }

    @Test
    void wcfClientSettingsAreRead() throws Exception {
        GatewaySettings.WsSecurity soap = load(example()
                .replace("      allowSha1: false", "      waiveBspRules: [R3029, R3030, R4201]\n      allowSha1: false")
                .replace("responses: {sign: true, encrypt: false}",
                        "responses: {sign: true, encrypt: true, keyIdentifiers: {signature: issuer-serial, encryption: thumbprint}}")
                .replace("# upstream: {sign: true, encryptFor: upstream.pem}", "upstream: {sign: true, keyIdentifiers: {signature: ski}}"))
                .routes().get(1).wsSecurity();

        assertThat(soap.policy().waivedBspRules()).containsExactlyInAnyOrder(BSPRule.R3029, BSPRule.R3030, BSPRule.R4201);
        assertThat(soap.responseKeys()).isEqualTo(new KeyIdentifiers(KeyIdentifier.ISSUER_SERIAL, KeyIdentifier.THUMBPRINT));
        assertThat(soap.upstreamKeys()).isEqualTo(new KeyIdentifiers(KeyIdentifier.SKI, KeyIdentifier.ISSUER_SERIAL));
    }

    @Test
    void graphQlSettingsThatCannotWorkAreRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> load(example().replace("- Query.account as getAccount", "- Query.acount as getAccount")))
                .hasMessageContaining("routes[2]: operation 'Query.acount as getAccount': the schema has no root field Query.acount");
        assertThatThrownBy(() -> load(example().replace("    schema: graphql/demo-bank.graphqls", "    #schema:")))
                .hasMessageContaining("routes[2].schema: required");
        assertThatThrownBy(() -> load(example().replace("maxCost: 10000", "maxCost: 0")))
                .hasMessageContaining("routes[2].graphQl: GraphQL limits must be at least 1");
        assertThatThrownBy(() -> load(example().replace("      maxDepth: 15", "      maxDepht: 15")))
                .hasMessageContaining("unknown key 'maxDepht'");
        Path broken = Files.writeString(dir.resolve("broken.graphqls"), "type Query { account: Nope }");
        assertThatThrownBy(() -> load(example().replace("schema: graphql/demo-bank.graphqls", "schema: " + broken)))
                .hasMessageContaining("routes[2]: ").hasMessageContaining("not a valid GraphQL schema");
        assertThatThrownBy(() -> load(example().replace("        Decimal: '", "        Money: '")))
                .hasMessageContaining("routes[2].graphQl.scalars.Money: demo-bank.graphqls defines no scalar Money of its own");
        assertThatThrownBy(() -> load(example().replace("        Decimal: '", "        # Decimal: '")))
                .hasMessageContaining("routes[2].graphQl.scalars.Decimal: demo-bank.graphqls defines it and the route gives it no format");
    }

    @Test
    void networkSettingsThatCannotWorkAreRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> load(example().replace("trustedProxies: []", "trustedProxies: [lb.internal]")))
                .hasMessageContaining("network.trustedProxies[0]: 'lb.internal' is not an IP address");
        Path broken = Files.writeString(dir.resolve("deny-broken.txt"), "203.0.113.0/24\n10.0.0.0/40\n");
        assertThatThrownBy(() -> load(example().replace("denyFile: ip-deny.txt", "denyFile: " + broken)))
                .hasMessageContaining("network.denyFile: ").hasMessageContaining("deny-broken.txt:2");
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        assertThatThrownBy(() -> load(example().replace("timeoutMillis: 10000", "timeoutMilis: 10000")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("unknown key 'timeoutMilis'")
                .hasMessageContaining("routes[0]");
    }

    @Test
    void badValuesAreNamed() throws Exception {
        assertThatThrownBy(() -> load(example().replace("upstream: http://127.0.0.1:9080  #", "upstream: ftp://x  #")))
                .hasMessageContaining("routes[0].upstream");
        assertThatThrownBy(() -> load(example().replace("port: 8081", "port: 8080")))
                .hasMessageContaining("admin.port");
        assertThatThrownBy(() -> load(example().replace("- GET /api/branches", "- GET api/branches")))
                .hasMessageContaining("routes[0].operations[0]");
        assertThatThrownBy(() -> load(example().replace("port: 8080", "port: eighty")))
                .hasMessageContaining("listener.port");
        assertThatThrownBy(() -> load(example().replace("protocol: rest", "protocol: smtp")))
                .hasMessageContaining("routes[0].protocol");
        assertThatThrownBy(() -> load(example().replace("identityFrom: subject-cn", "identityFrom: subject")))
                .hasMessageContaining("tlsListener.identityFrom: must be one of subject-cn, subject-dn, san-email");
    }

    @Test
    void adminListenerStaysOnLoopbackUnlessAllowedInSoManyWords() throws Exception {
        String adminBlock = "admin:                    # health, rule-pack status and reload; unauthenticated: keep it on loopback\n"
                + "  host: 127.0.0.1\n";
        assertThat(example()).contains(adminBlock);
        String exposed = example().replace(adminBlock, "admin:\n  allowRemote: false\n  host: 0.0.0.0\n");

        assertThatThrownBy(() -> load(exposed)).hasMessageContaining("admin.host").hasMessageContaining("admin.allowRemote");
        assertThat(load(exposed.replace("allowRemote: false", "allowRemote: true")).admin().host()).isEqualTo("0.0.0.0");
        String named = example().replace(adminBlock, adminBlock + "  hostNames: [gateway-admin.internal]\n");
        assertThat(load(named).admin().hostNames()).containsExactly("gateway-admin.internal");
        assertThatThrownBy(() -> load(example().replace(adminBlock, adminBlock + "  hostNames: [\"http://x:8081\"]\n")))
                .hasMessageContaining("admin.hostNames");
    }

    @Test
    void jwtSettingsThatWouldWeakenVerificationAreRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> load(example().replace("algorithms: [RS256, PS256, ES256]", "algorithms: [RS256, HS256]")))
                .hasMessageContaining("authentication.jwt");
        assertThatThrownBy(() -> load(example().replace("audiences: [portcullis-demo]", "audiences: []")))
                .hasMessageContaining("authentication.jwt");
    }

    @Test
    void missingRulesDirectoryIsNamed() throws Exception {
        String rules = EXAMPLE.getParent().resolve("../../rules").normalize().toString();
        assertThatThrownBy(() -> load(example().replace("directory: " + rules, "directory: /no/such/rules")))
                .hasMessageContaining("rules.directory");
    }

    private String example() throws Exception {
        ExampleConfig.linkInto(dir, java.util.Set.of());
        return Files.readString(EXAMPLE)
                .replace("directory: ../../rules", "directory: " + EXAMPLE.getParent().resolve("../../rules").normalize());
    }

    private GatewaySettings load(String yaml) throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, yaml);
        return GatewaySettingsLoader.load(file);
    }
}
