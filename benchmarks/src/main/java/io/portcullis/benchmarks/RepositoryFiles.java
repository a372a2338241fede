package io.portcullis.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's own files (rules, the demo's descriptions) for benchmarks run from its root or from benchmarks/. */
final class RepositoryFiles {

    private RepositoryFiles() {
    }

    /** @throws IllegalStateException when neither the working directory nor its parent holds {@code relative} */
    static Path of(String relative) {
        for (Path candidate : new Path[] {Path.of(relative), Path.of("..").resolve(relative)}) {
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found from " + Path.of("").toAbsolutePath()
                + ": run from the repository root");
    }
}
