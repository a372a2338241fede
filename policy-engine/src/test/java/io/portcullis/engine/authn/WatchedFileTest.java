package io.portcullis.engine.authn;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.engine.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files edited under a running gateway, as people and as Kubernetes change them. */
class WatchedFileTest {

    @TempDir
    Path dir;

    @Test
    void anEditInPlaceIsPickedUp() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.txt"), "one");
        try (WatchedFile<String> watched = WatchedFile.watch(file, Files::readString)) {
            Files.writeString(file, "two");
            Eventually.within(Duration.ofSeconds(20), () -> watched.get().equals("two"), "the watched file changes");
        }
    }

    @Test
    void aKubernetesStyleSymlinkSwapIsPickedUp() throws Exception {
        // A mounted Secret: keys.txt -> ..data/keys.txt, ..data -> ..2026_1; an update swaps ..data.
        Files.createDirectories(dir.resolve("..2026_1"));
        Files.writeString(dir.resolve("..2026_1/keys.txt"), "before");
        Files.createSymbolicLink(dir.resolve("..data"), dir.resolve("..2026_1").getFileName());
        Files.createSymbolicLink(dir.resolve("keys.txt"), Path.of("..data", "keys.txt"));
        try (WatchedFile<String> watched = WatchedFile.watch(dir.resolve("keys.txt"), Files::readString)) {
            assertThat(watched.get()).isEqualTo("before");

            Files.createDirectories(dir.resolve("..2026_2"));
            Files.writeString(dir.resolve("..2026_2/keys.txt"), "after");
            Files.createSymbolicLink(dir.resolve("..data_tmp"), dir.resolve("..2026_2").getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);

            Eventually.within(Duration.ofSeconds(20), () -> watched.get().equals("after"), "the watched file changes");
        }
    }

    @Test
    void aFileThatNoLongerParsesLeavesTheLastGoodVersion() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.txt"), "good");
        try (WatchedFile<String> watched = WatchedFile.watch(file, f -> {
            String text = Files.readString(f);
            if (text.startsWith("bad")) {
                throw new java.io.IOException("keys.txt: not valid");
            }
            return text;
        })) {
            // Rewritten in place: briefly an empty file, which this loader would accept if it read it then.
            Files.writeString(file, "bad edit");
            Eventually.within(Duration.ofSeconds(20), () -> !watched.lastError().isEmpty(), "the watched file changes");
            assertThat(watched.get()).isEqualTo("good");
        }
    }

}
