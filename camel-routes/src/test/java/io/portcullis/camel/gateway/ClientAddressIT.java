package io.portcullis.camel.gateway;

import static io.portcullis.camel.gateway.GatewayIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import io.portcullis.engine.audit.DecisionEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Address lists and trusted proxies through the gateway: the test client is on loopback, which the
 * first configuration trusts as a proxy and the second does not.
 */
class ClientAddressIT {

    @TempDir
    Path workDir;
    RunningGateway gateway;

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    RunningGateway start(String trustedProxies, String denied) throws Exception {
        Path deny = Files.writeString(workDir.resolve("deny.txt"), denied);
        return new RunningGateway(workDir, "", config -> config
                .replace("trustedProxies: []", "trustedProxies: " + trustedProxies)
                .replace("denyFile: ip-deny.txt", "denyFile: " + deny));
    }

    HttpResponse<String> from(String forwardedFor) throws Exception {
        HttpRequest.Builder request = gateway.get("/api/branches", null);
        return gateway.send(forwardedFor == null ? request : request.header("X-Forwarded-For", forwardedFor));
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsJudgedAndABlockedOneRefusedBeforeAnythingIsRead() throws Exception {
        gateway = start("[127.0.0.1/32, 10.0.0.0/8]", "203.0.113.0/24\n2001:db8:dead::/48\n");

        HttpResponse<String> blocked = gateway.send(gateway.get("/api/transfers", "alice-demo-key")
                .header("X-Forwarded-For", "203.0.113.7, 10.1.2.3").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
        assertProblem(blocked, 403, "CLIENT_ADDRESS_DENIED");
        assertThat(gateway.auditOf(GatewayIT.requestId(blocked)).get(0).clientAddress()).isEqualTo("203.0.113.7");
        assertProblem(from("2001:db8:dead::1"), 403, "CLIENT_ADDRESS_DENIED");

        HttpResponse<String> allowed = from("198.51.100.4, 10.1.2.3");
        assertThat(allowed.statusCode()).isEqualTo(200);
        DecisionEvent event = gateway.auditOf(GatewayIT.requestId(allowed)).get(0);
        assertThat(event.clientAddress()).isEqualTo("198.51.100.4");
        // A spoofed hop to the left of a real one is not believed: the nearest untrusted address counts.
        assertThat(gateway.auditOf(GatewayIT.requestId(from("203.0.113.9, 198.51.100.4"))).get(0).clientAddress())
                .isEqualTo("198.51.100.4");
    }

    @Test
    void anIpv6ClientIsCountedByItsNetworkOfTheConfiguredPrefix() throws Exception {
        Path deny = Files.writeString(workDir.resolve("deny.txt"), "");
        gateway = new RunningGateway(workDir, "", config -> config
                .replace("trustedProxies: []", "trustedProxies: [127.0.0.1/32]")
                .replace("denyFile: ip-deny.txt", "denyFile: " + deny)
                .replace("  # ipv6CountingPrefix: 64", "  ipv6CountingPrefix: 56")
                .replace("maxAddressFailures: 20", "maxAddressFailures: 3"));

        // A stuffer moving through its /56, a new username and address each time: one network's failures.
        for (String address : java.util.List.of("2001:db8:1:ab00::1", "2001:db8:1:ab17::2", "2001:db8:1:abff:1::3")) {
            assertProblem(login(address, "user-" + address.hashCode()), 401, "AUTHN_INVALID");
        }
        HttpResponse<String> lockedOut = login("2001:db8:1:ab42::4", "carol");
        assertProblem(lockedOut, 401, "AUTHN_INVALID");
        DecisionEvent event = gateway.auditOf(GatewayIT.requestId(lockedOut)).get(0);
        assertThat(event.authenticationFailure()).isEqualTo("BASIC_LOCKED_OUT");
        assertThat(event.clientAddress()).isEqualTo("2001:db8:1:ab42::4");
        // The next /56 is someone else.
        HttpResponse<String> neighbour = login("2001:db8:1:ac00::1", "dave");
        assertThat(gateway.auditOf(GatewayIT.requestId(neighbour)).get(0).authenticationFailure()).isEqualTo("BASIC_USER_UNKNOWN");
    }

    /** A failed HTTP Basic login as {@code user}, forwarded for {@code address} by the trusted proxy. */
    HttpResponse<String> login(String address, String user) throws Exception {
        return gateway.send(gateway.get("/api/accounts/acc-alice-1", null).header("X-Forwarded-For", address)
                .header("Authorization", AuthenticationIT.basic(user, "not-the-password")));
    }

    @Test
    void fromAnUntrustedPeerTheForwardedHeaderIsIgnoredAndTheListReloads() throws Exception {
        gateway = start("[]", "203.0.113.0/24\n");

        HttpResponse<String> spoofed = from("198.51.100.4");
        assertThat(spoofed.statusCode()).isEqualTo(200);
        assertThat(gateway.auditOf(GatewayIT.requestId(spoofed)).get(0).clientAddress()).isEqualTo("127.0.0.1");
        // Claiming a blocked address does not get an innocent client blocked either.
        assertThat(from("203.0.113.7").statusCode()).isEqualTo(200);

        Path replacement = Files.writeString(workDir.resolve("deny.new"), "203.0.113.0/24\n127.0.0.0/8\n");
        Files.move(replacement, workDir.resolve("deny.txt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Eventually.within(Duration.ofSeconds(20), () -> {
            try {
                return from(null).statusCode() == 403;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the edited deny list is live");
        assertProblem(from(null), 403, "CLIENT_ADDRESS_DENIED");
    }
}
