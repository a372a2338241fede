package io.portcullis.engine.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPolicyTest {

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8, 10.255.1.2, true", "10.0.0.0/8, 11.0.0.1, false", "192.168.1.128/25, 192.168.1.200, true",
        "192.168.1.128/25, 192.168.1.100, false", "2001:db8::/32, 2001:db8:1::5, true", "2001:db8::/32, 2001:db9::1, false",
        "203.0.113.7, 203.0.113.7, true", "0.0.0.0/0, 8.8.8.8, true", "10.0.0.0/8, ::ffff:10.1.1.1, true",
        "10.0.0.0/8, 2001:db8::1, false"})
    void rangesMatchByPrefixForBothFamilies(String range, String address, boolean inside) {
        assertThat(AddressRange.parse(range).contains(AddressRange.literal(address))).isEqualTo(inside);
    }

    @Test
    void onlyLiteralsAreRead() {
        assertThat(AddressRange.literal("example.com")).isNull();
        assertThat(AddressRange.literal("localhost")).isNull();
        // Only dotted quads: the JDK's short form is refused, and hex-letter names are never looked up.
        assertThat(AddressRange.literal("1.2.3")).isNull();
        assertThat(AddressRange.literal("dead.beef")).isNull();
        assertThat(AddressRange.literal("cafe.de")).isNull();
        assertThat(AddressRange.literal("203.0.113.7")).isNotNull().hasSize(4);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> AddressRange.parse("gateway.internal")).hasMessageContaining("not an IP address");
    }

    @Test
    void theClientIsTheNearestHopTheTrustedProxiesDidNotAdd() {
        NetworkPolicy policy = new NetworkPolicy(AddressList.of(List.of("10.0.0.0/8")), () -> AddressList.EMPTY,
                () -> AddressList.EMPTY, 64);
        assertThat(policy.clientAddress("10.0.0.1", "198.51.100.4")).isEqualTo("198.51.100.4");
        assertThat(policy.clientAddress("10.0.0.1", "203.0.113.9, 198.51.100.4, 10.0.0.2")).isEqualTo("198.51.100.4");
        assertThat(policy.clientAddress("10.0.0.1", "10.0.0.3, 10.0.0.2")).isEqualTo("10.0.0.3");
        assertThat(policy.clientAddress("10.0.0.1", "garbage, 10.0.0.2")).isEqualTo("10.0.0.2");
        assertThat(policy.clientAddress("198.51.100.1", "10.0.0.5")).isEqualTo("198.51.100.1");
        assertThat(policy.clientAddress("10.0.0.1", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void aDenyListRefusesAndAnAllowListAdmitsOnlyItsOwn() {
        NetworkPolicy policy = new NetworkPolicy(AddressList.EMPTY, () -> AddressList.of(List.of("203.0.113.0/24")),
                () -> AddressList.of(List.of("198.51.100.0/24", "203.0.113.0/24")), 64);
        assertThat(policy.refusal("203.0.113.5")).isEqualTo(NetworkPolicy.DENIED);
        assertThat(policy.refusal("198.51.100.5")).isNull();
        assertThat(policy.refusal("192.0.2.1")).isEqualTo(NetworkPolicy.NOT_ALLOWED);
        assertThat(policy.refusal("")).isEqualTo(NetworkPolicy.NOT_ALLOWED);
        assertThat(NetworkPolicy.OPEN.refusal("192.0.2.1")).isNull();
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64AndIpv4ByTheirAddress() {
        assertThat(AddressRange.countingKey("203.0.113.7", 64)).isEqualTo("203.0.113.7");
        assertThat(AddressRange.countingKey("::ffff:203.0.113.7", 64)).isEqualTo("203.0.113.7");
        String one = AddressRange.countingKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64);
        assertThat(one).isEqualTo("2001:db8:1:2:0:0:0:0/64")
                .isEqualTo(AddressRange.countingKey("[2001:db8:1:2::1]", 64))
                .isNotEqualTo(AddressRange.countingKey("2001:db8:1:3::1", 64));
        assertThat(AddressRange.countingKey("unknown", 64)).isEqualTo("unknown");
        // Link-local peers with their zone; IPv4 clients behind NAT64 keep their own key.
        assertThat(AddressRange.countingKey("fe80::1%eth0", 64)).isEqualTo(AddressRange.countingKey("[FE80::2]", 64))
                .isEqualTo("fe80:0:0:0:0:0:0:0/64");
        assertThat(AddressRange.countingKey("64:ff9b::203.0.113.7", 64)).isEqualTo("203.0.113.7");
        assertThat(AddressRange.countingKey("64:ff9b::198.51.100.1", 64)).isEqualTo("198.51.100.1");

        io.portcullis.engine.model.ApiRequest anonymous = io.portcullis.engine.model.ApiRequest.builder().id("r")
                .peer(NetworkPolicy.OPEN.peer("2001:db8:1:2::99", 1, null, false)).build();
        assertThat(anonymous.callerKey()).isEqualTo("address:2001:db8:1:2:0:0:0:0/64");
    }

    @Test
    void aPeerAsTheListenerSawItIsNotCountedUntilTheNetworkPolicyJudgedIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new io.portcullis.engine.model.Peer("2001:db8:1:2::99", 1).countingKey())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theNetworkSettingsChooseTheIpv6PrefixAClientIsCountedBy() {
        // A /56 per subscriber (many ISPs), a /48 per site; a prefix that is not a whole number of bytes keeps its bits.
        assertThat(AddressRange.countingKey("2001:db8:1:2ff:aaaa::1", 56)).isEqualTo("2001:db8:1:200:0:0:0:0/56")
                .isEqualTo(AddressRange.countingKey("2001:db8:1:2aa::9", 56))
                .isNotEqualTo(AddressRange.countingKey("2001:db8:1:3ff::1", 56));
        assertThat(AddressRange.countingKey("2001:db8:1:2ff::1", 48)).isEqualTo("2001:db8:1:0:0:0:0:0/48");
        assertThat(AddressRange.countingKey("2001:db8:1:2ff::1", 60)).isEqualTo("2001:db8:1:2f0:0:0:0:0/60");
        assertThat(AddressRange.countingKey("2001:db8::1", 128)).isEqualTo("2001:db8:0:0:0:0:0:1/128");

        NetworkPolicy perSite = new NetworkPolicy(AddressList.EMPTY, () -> AddressList.EMPTY, () -> AddressList.EMPTY, 48);
        io.portcullis.engine.model.Peer peer = perSite.peer("2001:db8:1:2::99", 1, null, false);
        assertThat(io.portcullis.engine.model.ApiRequest.builder().id("r").peer(peer).build().callerKey())
                .isEqualTo("address:2001:db8:1:0:0:0:0:0/48");
        assertThat(perSite.peer("203.0.113.7", 1, null, false).countingKey()).isEqualTo("203.0.113.7");
        assertThatThrownBy(() -> new NetworkPolicy(AddressList.EMPTY, () -> AddressList.EMPTY, () -> AddressList.EMPTY, 16))
                .hasMessageContaining("32 to 128");
    }
}
