package io.portcullis.camel.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The bundled example configuration for tests that load an edited copy of it: the copy is written
 * into a folder where the example's files are linked, so its relative paths ({@code tls/...},
 * {@code wss/...}, {@code soap/...}) resolve as they do for the real file, whatever folders it names.
 */
public final class ExampleConfig {

    public static final Path DIR = Path.of("..", "examples", "config").toAbsolutePath().normalize();
    public static final Path FILE = DIR.resolve("portcullis.yaml");

    private ExampleConfig() {
    }

    /** Links every file and folder of the example configuration into {@code dir}, except {@code portcullis.yaml} and {@code except}. */
    public static void linkInto(Path dir, Set<String> except) throws IOException {
        try (Stream<Path> entries = Files.list(DIR)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("portcullis.yaml") && !except.contains(name) && !Files.exists(dir.resolve(name))) {
                    Files.createSymbolicLink(dir.resolve(name), entry);
                }
            }
        }
    }
}
