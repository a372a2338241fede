package io.portcullis.camel.config;

import io.portcullis.engine.authn.basic.LoginThrottleSettings;
import io.portcullis.engine.authn.jwt.JwtSettings;
import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator.IdentitySource;
import io.portcullis.soap.WsSecurityPolicy;
import io.portcullis.soap.Wss4jMessageSecurer;
import io.portcullis.soap.XmlLimits;
import java.nio.file.Path;
import java.util.List;

/**
 * The gateway's configuration, as validated by {@link GatewaySettingsLoader}: every value present,
 * every path absolute. The file format is documented in {@code examples/config/portcullis.yaml}.
 */
public record GatewaySettings(Listener listener, TlsListener tlsListener, Admin admin, Path rulesDirectory,
                              boolean watchRules, ApiKeys apiKeys, Basic basic, JwtSettings jwt, DemoBank demoBank,
                              List<Route> routes, Cluster cluster, Network network) {

    public GatewaySettings {
        routes = List.copyOf(routes);
    }

    /**
     * The admin listener. {@code hostNames}: the names (besides addresses and {@code localhost}) a
     * client may call it by in {@code Host}, such as the DNS name a Prometheus scraper uses; any other
     * is refused, so that a web page cannot reach it by a name of its own pointed at its address.
     */
    public record Admin(String host, int port, List<String> hostNames) {
        public Admin {
            hostNames = List.copyOf(hostNames);
        }
    }

    /**
     * An HTTP listener. {@code maxBodyBytes} bounds what is read from a client; {@code workerThreads}
     * bounds how many requests are processed (and upstream calls held open) at once. A disabled
     * plain listener keeps these limits for the TLS listener and opens no port.
     */
    public record Listener(String host, int port, int maxBodyBytes, int workerThreads, boolean enabled, Guards guards) {

        public Listener(String host, int port, int maxBodyBytes, int workerThreads, boolean enabled) {
            this(host, port, maxBodyBytes, workerThreads, enabled, Guards.defaults(workerThreads));
        }
    }

    /**
     * What the listener refuses before any request is processed (denial of service).
     *
     * @param maxConcurrentRequests          requests in progress at once; more are shed with 503 at once
     *                                       (the bounded queue in front of the worker threads)
     * @param maxConcurrentRequestsPerClient the same for one client address (the TCP peer)
     * @param maxHeaderBytes                 request line and headers; larger is refused with 431
     * @param requestReadTimeout             a request must arrive whole within this (headers and body;
     *                                       also how long an idle keep-alive connection stays open):
     *                                       slow clients (slowloris) are cut off
     * @param maxConnections                 open connections at once; more are closed as they are accepted
     * @param maxConnectionsPerClient        the same for one client address
     */
    public record Guards(int maxConcurrentRequests, int maxConcurrentRequestsPerClient, int maxHeaderBytes,
                         java.time.Duration requestReadTimeout, int maxConnections, int maxConnectionsPerClient) {

        public static Guards defaults(int workerThreads) {
            return new Guards(4 * workerThreads, 64, 16_384, java.time.Duration.ofSeconds(10), 10_000, 256);
        }
    }

    /**
     * The HTTPS listener (null when off), serving the same routes as the plain one.
     *
     * @param clientAuth   {@code none}, {@code request} (a certificate identifies the caller if sent;
     *                     an invalid one ends the handshake) or {@code require} (no valid certificate,
     *                     no connection)
     * @param trustStore   PKCS12 of the CAs whose client certificates are accepted; null with clientAuth none
     * @param crlFile      revoked client certificates (PEM or DER CRLs), or null
     * @param identityFrom where a certificate's identity comes from
     * @param clientsFile  roles and attributes per certificate identity, or null
     */
    public record TlsListener(String host, int port, Path keyStore, String keyStorePassword, Path trustStore,
                              String trustStorePassword, String clientAuth, Path crlFile, IdentitySource identityFrom,
                              Path clientsFile) {

        public boolean requiresClientCertificate() {
            return "require".equals(clientAuth);
        }

        @Override
        public String toString() {
            return "TlsListener[" + host + ":" + port + ", keyStore=" + keyStore + ", trustStore=" + trustStore
                    + ", clientAuth=" + clientAuth + ", crlFile=" + crlFile + ", passwords=****]";
        }

        public boolean requestsClientCertificate() {
            return "request".equals(clientAuth);
        }
    }

    /**
     * API-key authentication: the header that carries the key, the query parameter that may (null:
     * none; the bundled rules refuse keys in URLs), and the file of key hashes. Null when off.
     */
    public record ApiKeys(String header, String queryParameter, Path file) {
    }

    /** HTTP Basic: the users file (bcrypt or Argon2id hashes) and the brute-force lockout policy. Null when off. */
    public record Basic(Path usersFile, LoginThrottleSettings throttle) {
    }

    /**
     * Who may reach the gateway, before anything is read, and how clients are counted.
     *
     * @param trustedProxies                 proxies whose X-Forwarded-For names the client (CIDR ranges)
     * @param denyFile                       addresses refused, one range per line, reloaded on change; or null
     * @param allowFile                      if set, the only addresses admitted, reloaded on change; or null
     * @param reputationLists                address lists whose members are detected as {@code BAD_REPUTATION}
     * @param maxRefusalsPerSecondPerAddress requests an address may have refused before the rules each
     *                                       second; past that its requests are refused unread (0: off)
     * @param ipv6CountingPrefix             the network (bits) an IPv6 client is counted by in rate limits,
     *                                       lockouts and connection bounds: 64 unless set
     */
    public record Network(List<String> trustedProxies, Path denyFile, Path allowFile, List<ReputationList> reputationLists,
                          int maxRefusalsPerSecondPerAddress, int ipv6CountingPrefix) {

        public Network {
            reputationLists = List.copyOf(reputationLists);
        }
    }

    /** A named list of hostile addresses (a Tor exit list, a threat feed), reloaded when its file changes. */
    public record ReputationList(String name, Path file) {
    }

    /** How a route's attack detectors run: paranoia level 1..4, block or monitor, and the anomaly score that refuses. */
    public record Detection(int paranoia, io.portcullis.engine.detect.AttackDetection.Mode mode, int threshold) {

        public static final Detection DEFAULTS = new Detection(1, io.portcullis.engine.detect.AttackDetection.Mode.BLOCK,
                io.portcullis.engine.detect.AttackDetection.DEFAULT_THRESHOLD);
    }

    /**
     * State shared by the gateway's nodes (null: each node keeps its own). With it, a WS-Security
     * message accepted by one node is a replay on every other.
     *
     * @param redis                    {@code redis://host:port} or {@code rediss://host:port}
     * @param timeout                  bound on every Redis command; past it, requests that need Redis are refused
     * @param quotasCountLocally       when Redis is down, count quotas on each node instead of refusing (503)
     * @param spikeArrestsCountLocally when Redis is down, count spike arrests on each node instead of refusing
     */
    public record Cluster(String redis, String password, java.time.Duration timeout, boolean quotasCountLocally,
                          boolean spikeArrestsCountLocally) {

        @Override
        public String toString() {
            return "Cluster[redis=" + redis + ", timeout=" + timeout + (password == null ? "" : ", password=****")
                    + ", quotasCountLocally=" + quotasCountLocally + ", spikeArrestsCountLocally=" + spikeArrestsCountLocally + "]";
        }
    }

    /**
     * The in-process demo bank upstream (REST and GraphQL on {@code port}, SOAP on {@code soapPort});
     * off in production.
     *
     * @param graphQlSchema the SDL its GraphQL face serves, or null for no GraphQL face
     * @param statementDelay how long its slow GraphQL resolver ({@code Query.statement}) takes
     */
    public record DemoBank(boolean enabled, String host, int port, int soapPort, Path graphQlSchema,
                           java.time.Duration statementDelay) {
    }

    /**
     * One protected API.
     *
     * @param path       listener path prefix this route serves ({@code /api})
     * @param upstream   base URL requests are forwarded to; the request path is appended unchanged
     * @param operations operation declarations ({@code GET /api/accounts/{id}}); others are UNDECLARED
     * @param maxResponseBytes larger upstream responses are withheld with 502
     * @param xmlLimits  SOAP routes: what a message may contain
     * @param schema     SOAP routes: the service's WSDL or XSD that request bodies must match, or null;
     *                   GraphQL routes: the service's SDL (required)
     * @param wsSecurity SOAP routes: WS-Security processing, or null when the route has none
     * @param graphQl    GraphQL routes: limits, cost model and persisted queries; null for others
     * @param openApi    REST routes: the API's OpenAPI 3 description (requests must match it, responses are
     *                   cut to it), or null
     * @param strictProperties REST routes with openApi: objects that list properties admit no others
     * @param http       the methods the route takes and the browser origins that may call it (CORS)
     */
    public record Route(String name, String protocol, String path, String upstream, int timeoutMillis,
                        List<String> operations, List<String> bodyContentTypes,
                        io.portcullis.engine.json.JsonLimits jsonLimits, int maxResponseBytes,
                        XmlLimits xmlLimits, Path schema, WsSecurity wsSecurity, GraphQl graphQl, Path openApi,
                        boolean strictProperties, io.portcullis.engine.http.HttpPolicy http, Detection detection) {

        public Route {
            operations = List.copyOf(operations);
            bodyContentTypes = List.copyOf(bodyContentTypes);
        }
    }

    /**
     * What a GraphQL route admits at most, for every caller; rules set lower limits per caller.
     *
     * @param limits           ceilings on operations per request, depth, fields, aliases, root fields,
     *                         directives, duplicates and cost
     * @param parseLimits      bounds on the parser's work
     * @param defaultListSize  elements assumed in a list the schema's {@code @listSize} says nothing of
     * @param persistedQueries an Apollo persisted-query manifest: only its documents run; null: any valid document
     * @param scalarFormats    the schema's own scalars: a regular expression a value must match, or
     *                         {@code any}; unnamed ones take strings, numbers and booleans only
     */
    public record GraphQl(io.portcullis.graphql.GraphQlLimits limits, io.portcullis.graphql.GraphQlParseLimits parseLimits,
                          int defaultListSize, Path persistedQueries, java.util.Map<String, String> scalarFormats) {
    }

    /**
     * WS-Security for a SOAP route: what messages must prove ({@code policy}) and the key material
     * to check it with. Passwords come from files; {@code toString} hides them.
     *
     * @param keyStore           the gateway's private key (decrypts requests), or null
     * @param trustStore         CAs or certificates of accepted signers, or null (then no signature is trusted)
     * @param crlFile            revoked signer certificates, or null
     * @param signersFile        roles and attributes per signer identity (same format as tlsListener.clientsFile), or null
     * @param signerSubjects     signers' subject DNs must match one of these; empty: any the truststore vouches for
     * @param replayCacheEntries signatures and nonces remembered at once; past that, new messages are refused
     * @param keyAlias           the key in {@code keyStore} that signs what the gateway sends, or null for its only key
     * @param signResponses      sign responses to callers
     * @param encryptResponses   encrypt responses for the certificate the request was signed with
     * @param signUpstream       sign requests forwarded upstream
     * @param upstreamCertificate encrypt requests forwarded upstream for this certificate (PEM), or null
     * @param digestUsersFile    callers allowed UsernameToken PasswordDigest (shared secrets), or null to refuse it
     * @param secureConversation the lifetime and bounds of the WS-SecureConversation contexts the route issues, or null
     *                           when it issues none
     */
    public record WsSecurity(WsSecurityPolicy policy, Path keyStore, String keyStorePassword, Path trustStore,
                             String trustStorePassword, Path crlFile, Path signersFile,
                             List<java.util.regex.Pattern> signerSubjects, IdentitySource identityFrom,
                             int replayCacheEntries, String keyAlias, boolean signResponses, boolean encryptResponses,
                             Wss4jMessageSecurer.KeyIdentifiers responseKeys, boolean signUpstream, Path upstreamCertificate,
                             Wss4jMessageSecurer.KeyIdentifiers upstreamKeys, Path digestUsersFile,
                             io.portcullis.soap.SecurityContexts.Limits secureConversation) {

        public boolean securesOutbound() {
            return signResponses || encryptResponses || signUpstream || upstreamCertificate != null;
        }

        @Override
        public String toString() {
            return "WsSecurity[" + policy + ", keyStore=" + keyStore + ", trustStore=" + trustStore + ", crlFile=" + crlFile
                    + ", signersFile=" + signersFile + ", identityFrom=" + identityFrom + ", keyAlias=" + keyAlias
                    + ", signResponses=" + signResponses + ", encryptResponses=" + encryptResponses + ", signUpstream="
                    + signUpstream + ", upstreamCertificate=" + upstreamCertificate + ", digestUsersFile=" + digestUsersFile
                    + ", secureConversation=" + secureConversation + ", passwords=****]";
        }
    }

    public GatewaySettings withRulesDirectory(Path directory) {
        return new GatewaySettings(listener, tlsListener, admin, directory, watchRules, apiKeys, basic, jwt, demoBank, routes,
                cluster, network);
    }

    public GatewaySettings withListenerPort(int port) {
        return new GatewaySettings(new Listener(listener.host(), port, listener.maxBodyBytes(), listener.workerThreads(),
                listener.enabled(), listener.guards()),
                tlsListener, admin, rulesDirectory, watchRules, apiKeys, basic, jwt, demoBank, routes, cluster, network);
    }
}
