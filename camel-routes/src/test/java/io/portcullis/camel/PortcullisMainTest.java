package io.portcullis.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Start-up options that cannot work stop the start with exit code 2 and a message naming them. */
class PortcullisMainTest {

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    @Test
    void missingConfigurationFileIsNamed() {
        int exit = new CommandLine(new PortcullisMain()).execute("--config", "/no/such/portcullis.yaml");

        assertThat(exit).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("/no/such/portcullis.yaml", "does not exist");
    }

    @Test
    void badOverridesAreNamed() {
        String config = "../examples/config/portcullis.yaml";

        assertThat(new CommandLine(new PortcullisMain()).execute("--config", config, "--rules", "/no/such/rules")).isEqualTo(2);
        assertThat(new CommandLine(new PortcullisMain()).execute("--config", config, "--port", "70000")).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--rules:", "--port: 70000");
    }
}
