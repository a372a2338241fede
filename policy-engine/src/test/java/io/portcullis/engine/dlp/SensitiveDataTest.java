package io.portcullis.engine.dlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.dlp.SensitiveData.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveDataTest {

    static List<SensitiveData.Found> scan(Object value) {
        return SensitiveData.scan(Map.of("/v", value));
    }

    @ParameterizedTest
    @CsvSource({
        "4111 1111 1111 1111, Visa", "4111-1111-1111-1111, Visa", "5555555555554444, Mastercard",
        "2223003122003222, Mastercard", "378282246310005, American Express", "6011111111111117, Discover",
        "3530111333300000, JCB", "30569309025904, Diners Club", "6200000000000005, UnionPay",
        "6759649826438453, Maestro", "2200000000000004, Mir", "4111.1111.1111.1111, Visa", "'paid with 4242 4242 4242 4242 today', Visa",
        // Separators and digits some systems write: two spaces, NBSP, underscore, slash, en dash, full-width digits.
        "'4111  1111  1111  1111', Visa", "'4111\u00a01111\u00a01111\u00a01111', Visa", "4111_1111_1111_1111, Visa",
        "4111/1111/1111/1111, Visa", "'4111\u20131111\u20131111\u20131111', Visa",
        "'\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11', Visa",
        "/echo/cards/4111111111111111/ssn, Visa"})
    void cardNumbersAreFoundWithTheirBrand(String text, String brand) {
        assertThat(scan(text)).containsExactly(new SensitiveData.Found(Kind.CARD, "/v", brand));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1112", "1234 5678 9012 3456", "order 20261122123456789", "+44 20 7946 0018",
        "2026-11-22T10:15:30Z", "9999999999999999"})
    void numbersThatAreNotCardsAreNot(String text) {
        assertThat(scan(text)).noneMatch(found -> found.kind() == Kind.CARD);
    }

    @ParameterizedTest
    @CsvSource({"123-45-6789, true", "987-65-4321, false", "000-12-3456, false", "666-12-3456, false", "912-12-3456, false",
        "123-00-4567, false", "123-45-0000, false", "call 555-123-4567, false"})
    void socialSecurityNumbersFollowTheirIssuingRules(String text, boolean found) {
        assertThat(scan(text).stream().anyMatch(f -> f.kind() == Kind.US_SSN)).isEqualTo(found);
    }

    @ParameterizedTest
    @CsvSource({"GB82 WEST 1234 5698 7654 32, true", "DE89370400440532013000, true", "GB82 WEST 1234 5698 7654 33, false",
        "FR7630006000011234567890189, true", "XX00 ABCD 1234, false", "gb82 west 1234 5698 7654 32, false"})
    void ibansAreCheckedByTheirChecksum(String text, boolean found) {
        assertThat(scan(text).stream().anyMatch(f -> f.kind() == Kind.IBAN)).isEqualTo(found);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", "key AKIAIOSFODNN7EXAMPLE here",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "ghp_0123456789abcdefghijklmnopqrstuvwxyz01"})
    void secretsAreFound(String text) {
        assertThat(scan(text)).extracting(SensitiveData.Found::kind).contains(Kind.SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"O'Brien paid 25.00 EUR", "see https://example.com/docs", "AKIA is a prefix", "London"})
    void ordinaryTextHasNothing(String text) {
        assertThat(scan(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CARD|card 4111 1111 1111 1111 ok|card **** **** **** 1111 ok",
        "US_SSN|123-45-6789|***-**-6789",
        "IBAN|to GB82 WEST 1234 5698 7654 32|to GB** **** 5432",
        "CARD|\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11|**** **** **** 1111",
        "EMAIL|alice@example.com|a***@example.com",
        "SECRET|id=AKIAIOSFODNN7EXAMPLE|id=[secret removed]"})
    void maskingKeepsOnlyWhatIdentifiesWithoutRevealing(String kind, String text, String masked) {
        assertThat(SensitiveData.mask(Kind.valueOf(kind), text)).isEqualTo(masked);
    }

    @org.junit.jupiter.api.Test
    void craftedValuesThatWouldMakeABacktrackingSearchQuadraticAreSearchedInOnePass() {
        // These took seconds each with unbounded repetitions; bounded ones keep them linear.
        String eyj = "eyJ".repeat(21_000);
        String spaces = " ".repeat(64 * 1024);
        assertThat(scan(eyj)).isEmpty();
        assertThat(scan("a@" + "b.".repeat(30_000))).isEmpty();
        assertThat(io.portcullis.engine.http.UpstreamErrors.revealing(false,
                new io.portcullis.engine.http.HttpResponseMessage(404, Map.of(), spaces.getBytes()))).isFalse();
        assertThat(io.portcullis.engine.http.UpstreamErrors.revealing(false,
                new io.portcullis.engine.http.HttpResponseMessage(404, Map.of(), "java.".repeat(12_000).getBytes()))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aCardNumberHeldAsAJsonNumberIsFoundToo() {
        assertThat(scan(4111111111111111L)).extracting(SensitiveData.Found::kind).containsExactly(Kind.CARD);
    }
}
