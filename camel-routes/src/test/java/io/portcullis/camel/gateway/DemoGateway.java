package io.portcullis.camel.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The example gateway, started once for a test class and stopped after it:
 * {@code @RegisterExtension static final DemoGateway demo = new DemoGateway();}, then {@code demo.gateway()}.
 */
final class DemoGateway implements BeforeAllCallback, AfterAllCallback {

    private final UnaryOperator<String> edit;
    private Path workDir;
    private RunningGateway gateway;

    DemoGateway() {
        this(config -> config);
    }

    /** @param edit changes to the example configuration's text before it is loaded */
    DemoGateway(UnaryOperator<String> edit) {
        this.edit = edit;
    }

    RunningGateway gateway() {
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("portcullis-it");
        gateway = new RunningGateway(workDir, "", edit);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            gateway.close();
        } finally {
            // Deepest first; the example files are linked in, and deleting a link leaves its target alone.
            try (Stream<Path> files = Files.walk(workDir)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new IOException("could not remove " + workDir + ": " + e.getMessage(), e);
            }
        }
    }
}
