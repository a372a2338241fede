package io.portcullis.engine.authn.mtls;

import io.portcullis.engine.authn.CredentialFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the security team grants to each client identity proved by a certificate:
 *
 * <pre>
 * clients:
 *   - id: admin-console          # the identity taken from the certificate (CN or SAN, per configuration)
 *     roles: [admin]
 *     tenant: demo-bank           # optional
 *     attributes: {accounts: []}  # optional
 * </pre>
 *
 * A certificate that the truststore accepts but this file does not list still identifies its
 * holder, with no roles: the rules decide what such a caller may do.
 */
public final class CertificateClients {

    /** One client identity and what it is granted. */
    public record Client(String id, List<String> roles, String tenant, Map<String, List<String>> attributes) {
    }

    record ClientsFile(List<Client> clients) {
    }

    public static final CertificateClients NONE = new CertificateClients(Map.of());

    private final Map<String, Client> byId;

    private CertificateClients(Map<String, Client> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static CertificateClients load(Path file) throws IOException {
        List<Client> clients = CredentialFiles.entries(file, "certificate clients file", ClientsFile.class,
                ClientsFile::clients, "clients");
        Map<String, Client> byId = new HashMap<>();
        for (Client client : clients) {
            if (client.id() == null || client.id().isBlank()) {
                throw new IOException("certificate clients file " + file + ": every client needs an 'id'");
            }
            if (byId.put(client.id(), client) != null) {
                throw new IOException("certificate clients file " + file + ": client '" + client.id() + "' is listed twice");
            }
        }
        return new CertificateClients(byId);
    }

    public Optional<Client> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
