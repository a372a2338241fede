package io.portcullis.engine.authn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.engine.authn.basic.UserStore;
import io.portcullis.engine.authn.mtls.CertificateClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {

    @TempDir
    Path dir;

    @Test
    void everyCredentialFileRefusesAnEmptyEntryByNumber() throws Exception {
        assertThatThrownBy(() -> ApiKeyStore.load(write("keys:\n  -\n")))
                .isInstanceOf(IOException.class).hasMessageEndingWith(": entry 1 of 'keys' is empty");
        assertThatThrownBy(() -> UserStore.load(write("users:\n  -\n")))
                .isInstanceOf(IOException.class).hasMessageEndingWith(": entry 1 of 'users' is empty");
        assertThatThrownBy(() -> CertificateClients.load(write("clients:\n  - id: console\n  -\n")))
                .isInstanceOf(IOException.class).hasMessageEndingWith(": entry 2 of 'clients' is empty");
    }

    @Test
    void everyCredentialFileNamesItselfWhenItDoesNotParseOrLacksItsList() throws Exception {
        Path file = write("clients: [unclosed\n");
        assertThatThrownBy(() -> CertificateClients.load(file))
                .hasMessageStartingWith("certificate clients file " + file + " is not valid: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> CertificateClients.load(write("\n")))
                .hasMessageEndingWith(" is empty");
        assertThatThrownBy(() -> CertificateClients.load(write("{}\n")))
                .hasMessageEndingWith(" has no 'clients' list");
        assertThatThrownBy(() -> ApiKeyStore.load(write("keys:\n")))
                .hasMessageEndingWith(" has no 'keys' list");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "credentials", ".yaml"), yaml);
    }
}
