package io.portcullis.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helpers rules call: the same answer whichever protocol carried the value. */
class ApiRequestTest {

    @Test
    void bodyNumberReadsJsonNumbersAndXmlTextAlike() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("/json", 10000.5);
        body.put("/xml", " 10000.50 ");
        body.put("/word", "lots");
        body.put("/padded", "0".repeat(60) + "50000.00");
        body.put("/huge", "9".repeat(1001));
        ApiRequest request = ApiRequest.builder().id("r").body(body).build();

        assertThat(request.bodyNumber("/json")).isEqualByComparingTo("10000.5");
        assertThat(request.bodyNumber("/xml")).isEqualByComparingTo("10000.50");
        assertThat(request.bodyNumber("/word")).isNull();
        assertThat(request.bodyNumber("/padded")).isEqualByComparingTo("50000");
        assertThat(request.bodyNumber("/huge")).as("not parsed: the rule must refuse null").isNull();
        assertThat(request.bodyNumber("/absent")).isNull();
    }

    @Test
    void attributeValuesGivesEveryFactAsAList() {
        ApiRequest request = ApiRequest.builder().id("r")
                .attributes(Map.of("wss.tokens", List.of("Timestamp", "X509"), "soap.version", "1.1")).build();

        assertThat(request.attributeValues("wss.tokens")).containsExactly("Timestamp", "X509");
        assertThat(request.attributeValues("soap.version")).containsExactly("1.1");
        assertThat(request.attributeValues("absent")).isEmpty();
    }
}
