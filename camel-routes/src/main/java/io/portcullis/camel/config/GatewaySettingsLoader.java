package io.portcullis.camel.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.engine.authn.basic.LoginThrottleSettings;
import io.portcullis.engine.authn.jwt.JwtSettings;
import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator.IdentitySource;
import io.portcullis.rest.OperationTemplate;
import io.portcullis.soap.SoapRouteSettings;
import io.portcullis.soap.WsSecurityPolicy;
import io.portcullis.soap.Wss4jMessageSecurer;
import io.portcullis.soap.XmlLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.wss4j.common.bsp.BSPRule;

/**
 * Reads and validates the gateway's YAML configuration. Anything wrong stops the start with a
 * message naming the key ({@code routes[1].upstream: ...}); nothing is guessed or warned past.
 * Relative paths are resolved against the configuration file's folder.
 */
public final class GatewaySettingsLoader {

    /** The file's shape; every field optional here, defaults and checks applied in {@link #load}. */
    record FileSettings(FileListener listener, FileTlsListener tlsListener, FileAdmin admin, FileRules rules,
                        FileAuthentication authentication,
                        FileDemoBank demoBank, List<FileRoute> routes, FileCluster cluster, FileNetwork network) {
    }

    record FileNetwork(List<String> trustedProxies, String denyFile, String allowFile,
                       List<FileReputationList> reputationLists, Integer maxRefusalsPerSecondPerAddress,
                       Integer ipv6CountingPrefix) {
    }

    record FileReputationList(String name, String file) {
    }

    record FileDetection(Integer paranoia, String mode, Integer threshold) {
    }

    record FileCluster(String redis, String passwordFile, Integer timeoutMillis, FileWhenRedisIsDown whenRedisIsDown) {
    }

    record FileWhenRedisIsDown(String quotas, String spikeArrests) {
    }

    record FileListener(String host, Integer port, Integer maxBodyBytes, Integer workerThreads, Boolean enabled,
                        Integer maxConcurrentRequests, Integer maxConcurrentRequestsPerClient, Integer maxHeaderBytes,
                        Integer requestReadTimeoutMillis, Integer maxConnections, Integer maxConnectionsPerClient) {
    }

    record FileAdmin(String host, Integer port, Boolean allowRemote, List<String> hostNames) {
    }

    record FileTlsListener(String host, Integer port, String keyStore, String keyStorePasswordFile, String trustStore,
                           String trustStorePasswordFile, String clientAuth, String crlFile, String identityFrom,
                           String clientsFile) {
    }

    record FileRules(String directory, Boolean watch) {
    }

    record FileAuthentication(FileApiKeys apiKeys, FileBasic basic, FileJwt jwt) {
    }

    record FileBasic(String usersFile, Integer maxUserFailures, Integer maxAddressFailures, Integer windowMinutes,
                     Integer firstLockoutMinutes, Integer maxLockoutMinutes) {
    }

    record FileJwt(String issuer, List<String> audiences, List<String> algorithms, String jwksFile, String jwksUrl,
                   Integer jwksCacheSeconds, Integer jwksMinRefreshSeconds, Integer clockSkewSeconds,
                   List<String> requiredClaims, String rolesClaim, String scopesClaim, String tenantClaim,
                   java.util.Map<String, String> attributeClaims, FileIntrospection introspection,
                   Integer maxLifetimeMinutes, Boolean requireAccessTokenType) {
    }

    record FileIntrospection(String endpoint, String clientId, String clientSecretFile, Integer cacheSeconds,
                             Integer timeoutMillis) {
    }

    record FileApiKeys(String header, String queryParameter, String file) {
    }

    record FileDemoBank(Boolean enabled, String host, Integer port, Integer soapPort, String graphQlSchema,
                        Integer statementDelayMillis) {
    }

    record FileRoute(String name, String protocol, String path, String upstream, Integer timeoutMillis,
                     List<String> operations, List<String> bodyContentTypes, Integer maxJsonDepth, Integer maxResponseBytes,
                     Integer maxJsonObjectEntries, Integer maxJsonArrayLength, Integer maxJsonStringLength,
                     FileXmlLimits xmlLimits, String schema, FileWsSecurity wsSecurity, FileGraphQl graphQl,
                     String openApi, Boolean strictProperties, List<String> methods, FileCors cors,
                     FileDetection detection) {
    }

    record FileCors(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                    List<String> exposedHeaders, Boolean allowCredentials, Integer maxAgeSeconds) {
    }

    record FileGraphQl(Integer maxOperations, Integer maxDepth, Integer maxFields, Integer maxAliases,
                       Integer maxRootFields, Integer maxDirectivesPerField, Integer maxDuplicates, Long maxCost,
                       Integer defaultListSize, Integer maxCharacters, Integer maxTokens, String persistedQueries,
                       Map<String, String> scalars) {
    }

    record FileXmlLimits(Integer maxDepth, Integer maxElements, Integer maxAttributesPerElement,
                         Integer maxNamespaceDeclarations, Integer maxTextLength, Integer maxAttributeValueLength,
                         Integer maxNameLength) {
    }

    record FileWsSecurity(List<FileWsAlternative> require, Integer timestampTtlSeconds, Integer futureTtlSeconds,
                          Boolean allowSha1, Boolean allowCbc, String keyStore, String keyStorePasswordFile,
                          String trustStore, String trustStorePasswordFile, String crlFile, String signersFile,
                          List<String> signerSubjects,
                          String identityFrom, Integer replayCacheEntries, String keyAlias, FileResponseSecurity responses,
                          FileUpstreamSecurity upstream, String digestUsersFile, List<String> waiveBspRules,
                          FileSecureConversation secureConversation) {
    }

    record FileSecureConversation(Integer lifetimeSeconds, Integer renewalWindowSeconds, Integer maxContexts, Integer maxContextsPerCaller,
                                  Integer keyRolloverSeconds) {
    }

    record FileResponseSecurity(Boolean sign, Boolean encrypt, FileKeyIdentifiers keyIdentifiers) {
    }

    record FileUpstreamSecurity(Boolean sign, String encryptFor, FileKeyIdentifiers keyIdentifiers) {
    }

    record FileKeyIdentifiers(String signature, String encryption) {
    }

    record FileWsAlternative(Boolean timestamp, Boolean usernameToken, List<String> signed, List<String> encrypted,
                             String signedWith) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private static final Set<String> PROTOCOLS = Set.of("rest", "soap", "graphql");
    /** Requests an address may have refused before the rules each second (malformed, forged). */
    private static final int DEFAULT_REFUSALS_PER_SECOND = 50;

    private GatewaySettingsLoader() {
    }

    public static GatewaySettings load(Path file) throws InvalidConfigurationException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException("configuration file " + file + " does not exist");
        }
        FileSettings raw;
        try {
            raw = YAML.readValue(file.toFile(), FileSettings.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidConfigurationException(file + ": unknown key '" + e.getPathReference().replaceAll(".*\\[\"|\"]$", "")
                    + "' at " + path(e.getPath()) + " (known keys: " + e.getKnownPropertyIds() + ")");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new InvalidConfigurationException(file + ": " + path(e.getPath()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConfigurationException(file + ": not valid YAML: " + e.getMessage());
        }
        if (raw == null) {
            throw new InvalidConfigurationException(file + " is empty");
        }
        Path base = file.toAbsolutePath().getParent();
        return validate(raw, base);
    }

    private static GatewaySettings validate(FileSettings raw, Path base) throws InvalidConfigurationException {
        GatewaySettings.Listener listener = listener("listener", raw.listener(), 8080);
        GatewaySettings.Admin admin = admin(raw.admin());
        if (listener.port() != 0 && listener.port() == admin.port()) {
            throw new InvalidConfigurationException("admin.port: must differ from listener.port (" + listener.port() + ")");
        }
        if (raw.rules() == null || raw.rules().directory() == null) {
            throw new InvalidConfigurationException("rules.directory: required (the folder of rule files)");
        }
        Path rules = base.resolve(raw.rules().directory()).normalize();
        if (!Files.isDirectory(rules)) {
            throw new InvalidConfigurationException("rules.directory: " + rules + " is not a directory");
        }
        GatewaySettings.ApiKeys apiKeys = null;
        if (raw.authentication() != null && raw.authentication().apiKeys() != null) {
            FileApiKeys keys = raw.authentication().apiKeys();
            String header = keys.header() == null ? "X-API-Key" : keys.header();
            if (!header.matches("[A-Za-z0-9-]+")) {
                throw new InvalidConfigurationException("authentication.apiKeys.header: '" + header + "' is not a header name");
            }
            if (keys.file() == null) {
                throw new InvalidConfigurationException("authentication.apiKeys.file: required (the file of key hashes)");
            }
            Path keyFile = base.resolve(keys.file()).normalize();
            if (!Files.isRegularFile(keyFile)) {
                throw new InvalidConfigurationException("authentication.apiKeys.file: " + keyFile + " does not exist");
            }
            String queryParameter = keys.queryParameter();
            if (queryParameter != null && !queryParameter.matches("[A-Za-z0-9_.-]+")) {
                throw new InvalidConfigurationException("authentication.apiKeys.queryParameter: '" + queryParameter
                        + "' is not a parameter name");
            }
            apiKeys = new GatewaySettings.ApiKeys(header, queryParameter, keyFile);
        }
        GatewaySettings.Basic basic = null;
        JwtSettings jwt = null;
        if (raw.authentication() != null && raw.authentication().basic() != null) {
            basic = basic(raw.authentication().basic(), base);
        }
        if (raw.authentication() != null && raw.authentication().jwt() != null) {
            jwt = jwt(raw.authentication().jwt(), base);
        }
        FileDemoBank demo = raw.demoBank();
        GatewaySettings.DemoBank demoBank = new GatewaySettings.DemoBank(demo != null && Boolean.TRUE.equals(demo.enabled()),
                demo == null || demo.host() == null ? "127.0.0.1" : demo.host(),
                port("demoBank.port", demo == null ? null : demo.port(), 9080),
                port("demoBank.soapPort", demo == null ? null : demo.soapPort(), 9082),
                existingFile("demoBank.graphQlSchema", demo == null ? null : demo.graphQlSchema(), base, false),
                java.time.Duration.ofMillis(demo == null || demo.statementDelayMillis() == null ? 5_000
                        : Math.max(0, demo.statementDelayMillis())));
        GatewaySettings.TlsListener tls = raw.tlsListener() == null ? null : tls(raw.tlsListener(), base);
        if (!listener.enabled() && tls == null) {
            throw new InvalidConfigurationException("listener.enabled: with the plain listener off, a tlsListener is required");
        }
        if (tls != null && (tls.port() == listener.port() || tls.port() == admin.port())) {
            throw new InvalidConfigurationException("tlsListener.port: must differ from listener.port and admin.port");
        }
        return new GatewaySettings(listener, tls, admin, rules, raw.rules().watch() == null || raw.rules().watch(), apiKeys,
                basic, jwt, demoBank, routes(raw.routes(), base, listener.maxBodyBytes()), cluster(raw.cluster(), base),
                network(raw.network(), base));
    }

    private static GatewaySettings.Network network(FileNetwork raw, Path base) throws InvalidConfigurationException {
        if (raw == null) {
            return new GatewaySettings.Network(List.of(), null, null, List.of(), DEFAULT_REFUSALS_PER_SECOND,
                    io.portcullis.engine.net.AddressRange.DEFAULT_IPV6_COUNTING_PREFIX);
        }
        List<String> proxies = raw.trustedProxies() == null ? List.of() : raw.trustedProxies();
        for (int i = 0; i < proxies.size(); i++) {
            try {
                io.portcullis.engine.net.AddressRange.parse(proxies.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("network.trustedProxies[" + i + "]: " + e.getMessage());
            }
        }
        Path deny = existingFile("network.denyFile", raw.denyFile(), base, false);
        Path allow = existingFile("network.allowFile", raw.allowFile(), base, false);
        for (Path file : java.util.Arrays.asList(deny, allow)) {
            if (file != null) {
                try {
                    io.portcullis.engine.net.AddressList.load(file);
                } catch (IOException e) {
                    throw new InvalidConfigurationException((file == deny ? "network.denyFile: " : "network.allowFile: ") + e.getMessage());
                }
            }
        }
        List<GatewaySettings.ReputationList> reputation = new ArrayList<>();
        List<FileReputationList> lists = raw.reputationLists() == null ? List.of() : raw.reputationLists();
        Set<String> listNames = new HashSet<>();
        for (int i = 0; i < lists.size(); i++) {
            String key = "network.reputationLists[" + i + "]";
            FileReputationList list = lists.get(i);
            if (list.name() == null || !list.name().matches("[a-z0-9][a-z0-9-]*") || !listNames.add(list.name())) {
                throw new InvalidConfigurationException(key + ".name: required, unique, lower-case letters, digits and '-'");
            }
            Path file = existingFile(key + ".file", list.file(), base, true);
            try {
                io.portcullis.engine.net.AddressList.load(file);
            } catch (IOException e) {
                throw new InvalidConfigurationException(key + ".file: " + e.getMessage());
            }
            reputation.add(new GatewaySettings.ReputationList(list.name(), file));
        }
        int refusals = raw.maxRefusalsPerSecondPerAddress() == null ? DEFAULT_REFUSALS_PER_SECOND
                : raw.maxRefusalsPerSecondPerAddress();
        if (refusals < 0 || refusals > 1_000_000) {
            throw new InvalidConfigurationException("network.maxRefusalsPerSecondPerAddress: 0 (off) to 1000000");
        }
        int ipv6Prefix = raw.ipv6CountingPrefix() == null ? io.portcullis.engine.net.AddressRange.DEFAULT_IPV6_COUNTING_PREFIX
                : raw.ipv6CountingPrefix();
        if (ipv6Prefix < 32 || ipv6Prefix > 128) {
            throw new InvalidConfigurationException("network.ipv6CountingPrefix: 32 to 128 (bits of an IPv6 client's address "
                    + "it is counted by; 64 unless set)");
        }
        return new GatewaySettings.Network(proxies, deny, allow, reputation, refusals, ipv6Prefix);
    }

    private static GatewaySettings.Cluster cluster(FileCluster raw, Path base) throws InvalidConfigurationException {
        if (raw == null) {
            return null;
        }
        URI redis;
        try {
            redis = raw.redis() == null ? null : URI.create(raw.redis());
        } catch (IllegalArgumentException e) {
            redis = null;
        }
        if (redis == null || !("redis".equals(redis.getScheme()) || "rediss".equals(redis.getScheme()))
                || redis.getHost() == null || redis.getUserInfo() != null) {
            throw new InvalidConfigurationException("cluster.redis: must be redis://host:port or rediss://host:port "
                    + "(the password goes in cluster.passwordFile)");
        }
        int timeout = raw.timeoutMillis() == null ? 200 : raw.timeoutMillis();
        if (timeout < 10 || timeout > 10_000) {
            throw new InvalidConfigurationException("cluster.timeoutMillis: must be between 10 and 10000");
        }
        FileWhenRedisIsDown down = raw.whenRedisIsDown();
        return new GatewaySettings.Cluster(raw.redis(), secret("cluster.passwordFile", raw.passwordFile(), base, false),
                java.time.Duration.ofMillis(timeout),
                countLocally("cluster.whenRedisIsDown.quotas", down == null ? null : down.quotas(), false),
                countLocally("cluster.whenRedisIsDown.spikeArrests", down == null ? null : down.spikeArrests(), true));
    }

    private static boolean countLocally(String key, String value, boolean byDefault) throws InvalidConfigurationException {
        if (value == null) {
            return byDefault;
        }
        return switch (value) {
            case "refuse" -> false;
            case "count-locally" -> true;
            default -> throw new InvalidConfigurationException(key + ": refuse or count-locally");
        };
    }

    private static GatewaySettings.Detection detection(String key, FileDetection raw) throws InvalidConfigurationException {
        if (raw == null) {
            return GatewaySettings.Detection.DEFAULTS;
        }
        int paranoia = raw.paranoia() == null ? 1 : raw.paranoia();
        if (paranoia < 1 || paranoia > 4) {
            throw new InvalidConfigurationException(key + ".detection.paranoia: 1 to 4");
        }
        io.portcullis.engine.detect.AttackDetection.Mode mode;
        try {
            mode = raw.mode() == null ? io.portcullis.engine.detect.AttackDetection.Mode.BLOCK
                    : io.portcullis.engine.detect.AttackDetection.Mode.valueOf(raw.mode().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ".detection.mode: block or monitor");
        }
        int threshold = raw.threshold() == null ? io.portcullis.engine.detect.AttackDetection.DEFAULT_THRESHOLD : raw.threshold();
        if (threshold < 1) {
            throw new InvalidConfigurationException(key + ".detection.threshold: at least 1");
        }
        return new GatewaySettings.Detection(paranoia, mode, threshold);
    }

    private static List<GatewaySettings.Route> routes(List<FileRoute> raw, Path base, int maxBodyBytes)
            throws InvalidConfigurationException {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidConfigurationException("routes: at least one route is required");
        }
        List<GatewaySettings.Route> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            FileRoute route = raw.get(i);
            String key = "routes[" + i + "]";
            if (route.name() == null || !route.name().matches("[a-z0-9][a-z0-9-]*")) {
                throw new InvalidConfigurationException(key + ".name: required, lower-case letters, digits and '-'");
            }
            if (!names.add(route.name())) {
                throw new InvalidConfigurationException(key + ".name: '" + route.name() + "' is used by another route");
            }
            String protocol = route.protocol() == null ? "" : route.protocol().toLowerCase(Locale.ROOT);
            if (!PROTOCOLS.contains(protocol)) {
                throw new InvalidConfigurationException(key + ".protocol: must be one of " + PROTOCOLS);
            }
            if (route.path() == null || !route.path().matches("(/[A-Za-z0-9._~-]+)+")) {
                throw new InvalidConfigurationException(key + ".path: required, a path prefix such as /api");
            }
            if (!paths.add(route.path())) {
                throw new InvalidConfigurationException(key + ".path: '" + route.path() + "' is served by another route");
            }
            URI upstream;
            try {
                upstream = route.upstream() == null ? null : URI.create(route.upstream());
            } catch (IllegalArgumentException e) {
                upstream = null;
            }
            if (upstream == null || !("http".equals(upstream.getScheme()) || "https".equals(upstream.getScheme()))
                    || upstream.getHost() == null || upstream.getRawQuery() != null
                    || !(upstream.getRawPath() == null || upstream.getRawPath().isEmpty() || upstream.getRawPath().equals("/"))) {
                throw new InvalidConfigurationException(key + ".upstream: must be an http(s) URL with host and optional port only, such as http://10.0.0.5:8080");
            }
            int timeout = route.timeoutMillis() == null ? 10_000 : route.timeoutMillis();
            if (timeout < 1 || timeout > 600_000) {
                throw new InvalidConfigurationException(key + ".timeoutMillis: must be between 1 and 600000");
            }
            List<String> operations = route.operations() == null ? List.of() : route.operations();
            boolean soap = protocol.equals("soap");
            boolean graphQlRoute = protocol.equals("graphql");
            for (int j = 0; j < operations.size(); j++) {
                try {
                    if (soap) {
                        new SoapRouteSettings(route.name(), List.of(operations.get(j)), XmlLimits.DEFAULTS);
                    } else if (graphQlRoute) {
                        io.portcullis.engine.adapter.OperationDeclaration.parse(operations.get(j));
                    } else {
                        OperationTemplate.parse(operations.get(j));
                    }
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(key + ".operations[" + j + "]: " + e.getMessage());
                }
            }
            if (!soap && (route.wsSecurity() != null || route.xmlLimits() != null)) {
                throw new InvalidConfigurationException(key + ": wsSecurity and xmlLimits apply to soap routes only");
            }
            if (!graphQlRoute && route.graphQl() != null) {
                throw new InvalidConfigurationException(key + ".graphQl: applies to graphql routes only");
            }
            if (protocol.equals("rest") && route.schema() != null) {
                throw new InvalidConfigurationException(key + ".schema: applies to soap and graphql routes only (REST: openApi)");
            }
            if (!protocol.equals("rest") && (route.openApi() != null || route.strictProperties() != null)) {
                throw new InvalidConfigurationException(key + ".openApi: applies to rest routes only");
            }
            Path openApi = existingFile(key + ".openApi", route.openApi(), base, false);
            boolean strictProperties = !Boolean.FALSE.equals(route.strictProperties());
            if (openApi != null) {
                try {
                    io.portcullis.rest.OpenApiContract.load(openApi, strictProperties);
                } catch (IOException | RuntimeException e) {
                    throw new InvalidConfigurationException(key + ".openApi: " + e.getMessage());
                }
            }
            Path schema = existingFile(key + ".schema", route.schema(), base, graphQlRoute);
            GatewaySettings.GraphQl graphQl = null;
            if (graphQlRoute) {
                graphQl = graphQl(key + ".graphQl", route.graphQl(), maxBodyBytes, base);
                try {
                    new io.portcullis.graphql.GraphQlAdapter(graphQlSettings(route.name(), route.path(), schema, operations, graphQl,
                            maxBodyBytes, 16 << 20));
                } catch (io.portcullis.graphql.GraphQlContract.ScalarFormatException e) {
                    throw new InvalidConfigurationException(key + ".graphQl." + e.getMessage());
                } catch (IOException | IllegalArgumentException e) {
                    throw new InvalidConfigurationException(key + ": " + e.getMessage());
                }
            } else if (schema != null) {
                try {
                    io.portcullis.soap.ServiceSchema.load(schema);
                } catch (IOException e) {
                    throw new InvalidConfigurationException(key + ".schema: " + e.getMessage());
                }
            }
            XmlLimits xmlLimits = xmlLimits(key + ".xmlLimits", route.xmlLimits(), maxBodyBytes);
            GatewaySettings.WsSecurity wsSecurity = route.wsSecurity() == null ? null
                    : wsSecurity(key + ".wsSecurity", route.wsSecurity(), base);
            List<String> contentTypes = route.bodyContentTypes() == null ? List.of("application/json") : route.bodyContentTypes();
            int depth = route.maxJsonDepth() == null ? 32 : route.maxJsonDepth();
            if (depth < 1 || depth > 1000) {
                throw new InvalidConfigurationException(key + ".maxJsonDepth: must be between 1 and 1000");
            }
            io.portcullis.engine.json.JsonLimits requestJson = io.portcullis.engine.json.JsonLimits.REQUESTS;
            try {
                requestJson = new io.portcullis.engine.json.JsonLimits(depth,
                        or(route.maxJsonObjectEntries(), requestJson.maxObjectEntries()),
                        or(route.maxJsonArrayLength(), requestJson.maxArrayLength()),
                        or(route.maxJsonStringLength(), requestJson.maxStringLength()));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(key + ": " + e.getMessage());
            }
            int maxResponse = route.maxResponseBytes() == null ? 16 << 20 : route.maxResponseBytes();
            if (maxResponse < 1024 || maxResponse > (256 << 20)) {
                throw new InvalidConfigurationException(key + ".maxResponseBytes: must be between 1024 and 268435456");
            }
            routes.add(new GatewaySettings.Route(route.name(), protocol, route.path(),
                    upstream.getScheme() + "://" + upstream.getRawAuthority(), timeout, operations, contentTypes, requestJson,
                    maxResponse, xmlLimits, schema, wsSecurity, graphQl, openApi, strictProperties,
                    httpPolicy(key, route.methods(), route.cors()), detection(key, route.detection())));
        }
        return routes;
    }

    private static io.portcullis.engine.http.HttpPolicy httpPolicy(String key, List<String> methods, FileCors cors)
            throws InvalidConfigurationException {
        io.portcullis.engine.http.HttpPolicy.Cors corsPolicy = null;
        if (cors != null) {
            try {
                corsPolicy = new io.portcullis.engine.http.HttpPolicy.Cors(
                        cors.allowedOrigins() == null ? List.of() : cors.allowedOrigins(),
                        Set.copyOf(cors.allowedMethods() == null ? List.of("GET", "POST") : cors.allowedMethods()),
                        Set.copyOf(cors.allowedHeaders() == null ? List.of("content-type") : cors.allowedHeaders()),
                        Set.copyOf(cors.exposedHeaders() == null ? List.of() : cors.exposedHeaders()),
                        Boolean.TRUE.equals(cors.allowCredentials()),
                        cors.maxAgeSeconds() == null ? 600 : cors.maxAgeSeconds());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(key + "." + e.getMessage());
            }
        }
        try {
            return new io.portcullis.engine.http.HttpPolicy(methods == null
                    ? io.portcullis.engine.http.HttpPolicy.DEFAULT_METHODS : Set.copyOf(methods), corsPolicy);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + "." + e.getMessage());
        }
    }

    private static GatewaySettings.GraphQl graphQl(String key, FileGraphQl raw, int maxBodyBytes, Path base)
            throws InvalidConfigurationException {
        io.portcullis.graphql.GraphQlLimits d = io.portcullis.graphql.GraphQlLimits.DEFAULTS;
        io.portcullis.graphql.GraphQlParseLimits p = io.portcullis.graphql.GraphQlParseLimits.DEFAULTS;
        FileGraphQl r = raw == null ? new FileGraphQl(null, null, null, null, null, null, null, null, null, null, null, null, null) : raw;
        try {
            io.portcullis.graphql.GraphQlLimits limits = new io.portcullis.graphql.GraphQlLimits(
                    or(r.maxOperations(), d.maxOperations()), or(r.maxDepth(), d.maxDepth()), or(r.maxFields(), d.maxFields()),
                    or(r.maxAliases(), d.maxAliases()), or(r.maxRootFields(), d.maxRootFields()),
                    or(r.maxDirectivesPerField(), d.maxDirectivesPerField()), or(r.maxDuplicates(), d.maxDuplicates()),
                    r.maxCost() == null ? d.maxCost() : r.maxCost());
            io.portcullis.graphql.GraphQlParseLimits parseLimits = new io.portcullis.graphql.GraphQlParseLimits(
                    Math.min(or(r.maxCharacters(), p.maxCharacters()), maxBodyBytes), or(r.maxTokens(), p.maxTokens()),
                    p.maxWhitespaceTokens(), p.maxRuleDepth());
            int listSize = or(r.defaultListSize(), io.portcullis.graphql.GraphQlContract.DEFAULT_LIST_SIZE);
            if (listSize < 1) {
                throw new IllegalArgumentException("defaultListSize must be at least 1");
            }
            return new GatewaySettings.GraphQl(limits, parseLimits, listSize,
                    existingFile(key + ".persistedQueries", r.persistedQueries(), base, false),
                    r.scalars() == null ? Map.of() : Map.copyOf(r.scalars()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ": " + e.getMessage());
        }
    }

    /** The adapter's settings for a GraphQL route: loads the schema and the persisted queries. */
    public static io.portcullis.graphql.GraphQlRouteSettings graphQlSettings(String route, String path, Path schema,
                                                                          List<String> operations, GatewaySettings.GraphQl graphQl,
                                                                          int maxBodyBytes, int maxResponseBytes) throws IOException {
        return new io.portcullis.graphql.GraphQlRouteSettings(route, path,
                io.portcullis.graphql.GraphQlContract.load(schema, graphQl.defaultListSize(), graphQl.scalarFormats()), operations,
                graphQl.parseLimits(), graphQl.limits(),
                graphQl.persistedQueries() == null ? null : io.portcullis.graphql.PersistedQueries.load(graphQl.persistedQueries()),
                maxBodyBytes, maxResponseBytes);
    }

    private static XmlLimits xmlLimits(String key, FileXmlLimits raw, int maxBodyBytes) throws InvalidConfigurationException {
        XmlLimits d = XmlLimits.DEFAULTS;
        if (raw == null) {
            return new XmlLimits(maxBodyBytes, d.maxDepth(), d.maxElements(), d.maxAttributesPerElement(),
                    d.maxNamespaceDeclarations(), d.maxTextLength(), d.maxAttributeValueLength(), d.maxNameLength());
        }
        try {
            return new XmlLimits(maxBodyBytes, or(raw.maxDepth(), d.maxDepth()), or(raw.maxElements(), d.maxElements()),
                    or(raw.maxAttributesPerElement(), d.maxAttributesPerElement()),
                    or(raw.maxNamespaceDeclarations(), d.maxNamespaceDeclarations()),
                    or(raw.maxTextLength(), d.maxTextLength()), or(raw.maxAttributeValueLength(), d.maxAttributeValueLength()),
                    or(raw.maxNameLength(), d.maxNameLength()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ": " + e.getMessage());
        }
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static GatewaySettings.WsSecurity wsSecurity(String key, FileWsSecurity raw, Path base)
            throws InvalidConfigurationException {
        List<WsSecurityPolicy.Alternative> alternatives = new ArrayList<>();
        List<FileWsAlternative> require = raw.require() == null ? List.of() : raw.require();
        for (int i = 0; i < require.size(); i++) {
            FileWsAlternative alternative = require.get(i);
            String at = key + ".require[" + i + "]";
            if (alternative == null) {
                throw new InvalidConfigurationException(at + ": empty; give timestamp, usernameToken, signed or encrypted");
            }
            WsSecurityPolicy.SignedWith signedWith;
            try {
                signedWith = alternative.signedWith() == null ? WsSecurityPolicy.SignedWith.CERTIFICATE
                        : WsSecurityPolicy.SignedWith.parse(alternative.signedWith());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(at + ".signedWith: " + e.getMessage());
            }
            WsSecurityPolicy.Alternative parsed;
            try {
                parsed = new WsSecurityPolicy.Alternative(Boolean.TRUE.equals(alternative.timestamp()),
                        Boolean.TRUE.equals(alternative.usernameToken()), parts(at + ".signed", alternative.signed()),
                        parts(at + ".encrypted", alternative.encrypted()), signedWith);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(at + ": " + e.getMessage());
            }
            if (!parsed.timestamp() && !parsed.usernameToken() && parsed.signed().isEmpty() && parsed.encrypted().isEmpty()) {
                throw new InvalidConfigurationException(at + ": demands nothing, so any message would meet it; "
                        + "give timestamp, usernameToken, signed or encrypted");
            }
            if (parsed.signed().contains(WsSecurityPolicy.Part.SIGNATURE)) {
                throw new InvalidConfigurationException(at + ".signed: Signature can be required encrypted, not signed");
            }
            if (parsed.encrypted().contains(WsSecurityPolicy.Part.SIGNATURE) && !parsed.signed().contains(WsSecurityPolicy.Part.BODY)) {
                throw new InvalidConfigurationException(at + ".encrypted: Signature means the Body's signature; "
                        + "require signed: [Body, Timestamp] with it");
            }
            if (!parsed.signed().isEmpty() && !parsed.signed().contains(WsSecurityPolicy.Part.TIMESTAMP)) {
                throw new InvalidConfigurationException(at + ".signed: must include Timestamp: without a signed "
                        + "Timestamp a signed message can be replayed for ever");
            }
            alternatives.add(parsed);
        }
        int ttl = or(raw.timestampTtlSeconds(), 300);
        int future = or(raw.futureTtlSeconds(), 60);
        if (ttl < 1 || ttl > 3600 || future < 0 || future > 600) {
            throw new InvalidConfigurationException(key + ": timestampTtlSeconds must be 1..3600 and futureTtlSeconds 0..600");
        }
        int replayEntries = or(raw.replayCacheEntries(), 100_000);
        if (replayEntries < 100 || replayEntries > 10_000_000) {
            throw new InvalidConfigurationException(key + ".replayCacheEntries: must be between 100 and 10000000");
        }
        WsSecurityPolicy policy;
        try {
            policy = new WsSecurityPolicy(alternatives, java.time.Duration.ofSeconds(ttl),
                    java.time.Duration.ofSeconds(future), Boolean.TRUE.equals(raw.allowSha1()), Boolean.TRUE.equals(raw.allowCbc()),
                    bspRules(key + ".waiveBspRules", raw.waiveBspRules()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ".require: " + e.getMessage());
        }
        Path keyStore = existingFile(key + ".keyStore", raw.keyStore(), base, false);
        String keyStorePassword = secret(key + ".keyStorePasswordFile", raw.keyStorePasswordFile(), base, keyStore != null);
        Path trustStore = existingFile(key + ".trustStore", raw.trustStore(), base, false);
        String trustStorePassword = secret(key + ".trustStorePasswordFile", raw.trustStorePasswordFile(), base, trustStore != null);
        boolean needsSigners = alternatives.stream().anyMatch(a -> !a.signed().isEmpty());
        if (needsSigners && trustStore == null) {
            throw new InvalidConfigurationException(key + ".trustStore: required when a signature is required");
        }
        boolean needsDecryption = alternatives.stream().anyMatch(a -> !a.encrypted().isEmpty());
        if (needsDecryption && keyStore == null) {
            throw new InvalidConfigurationException(key + ".keyStore: required when encryption is required (the gateway decrypts)");
        }
        IdentitySource identityFrom;
        try {
            identityFrom = raw.identityFrom() == null ? IdentitySource.SUBJECT_CN : IdentitySource.parse(raw.identityFrom());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ".identityFrom: " + e.getMessage());
        }
        List<java.util.regex.Pattern> signerSubjects = new ArrayList<>();
        List<String> subjects = raw.signerSubjects() == null ? List.of() : raw.signerSubjects();
        for (int i = 0; i < subjects.size(); i++) {
            try {
                signerSubjects.add(java.util.regex.Pattern.compile(subjects.get(i)));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new InvalidConfigurationException(key + ".signerSubjects[" + i + "]: not a regular expression: "
                        + e.getDescription());
            }
        }
        boolean signResponses = raw.responses() != null && Boolean.TRUE.equals(raw.responses().sign());
        boolean encryptResponses = raw.responses() != null && Boolean.TRUE.equals(raw.responses().encrypt());
        boolean signUpstream = raw.upstream() != null && Boolean.TRUE.equals(raw.upstream().sign());
        Path upstreamCertificate = raw.upstream() == null ? null
                : existingFile(key + ".upstream.encryptFor", raw.upstream().encryptFor(), base, false);
        if ((signResponses || encryptResponses || signUpstream || upstreamCertificate != null) && keyStore == null) {
            throw new InvalidConfigurationException(key + ".keyStore: required to sign or encrypt responses or upstream requests");
        }
        return new GatewaySettings.WsSecurity(policy, keyStore, keyStorePassword, trustStore, trustStorePassword,
                existingFile(key + ".crlFile", raw.crlFile(), base, false),
                existingFile(key + ".signersFile", raw.signersFile(), base, false), signerSubjects, identityFrom, replayEntries,
                raw.keyAlias(), signResponses, encryptResponses,
                keyIdentifiers(key + ".responses.keyIdentifiers", raw.responses() == null ? null : raw.responses().keyIdentifiers(),
                        signResponses, encryptResponses),
                signUpstream, upstreamCertificate,
                keyIdentifiers(key + ".upstream.keyIdentifiers", raw.upstream() == null ? null : raw.upstream().keyIdentifiers(),
                        signUpstream, upstreamCertificate != null),
                existingFile(key + ".digestUsersFile", raw.digestUsersFile(), base, false),
                secureConversation(key, raw, policy, signResponses));
    }

    /** Where an alternative takes security contexts, their bounds; answers under a context are signed with it, so the route signs. */
    private static io.portcullis.soap.SecurityContexts.Limits secureConversation(String key, FileWsSecurity raw, WsSecurityPolicy policy,
                                                                         boolean signResponses) throws InvalidConfigurationException {
        boolean taken = policy.accepts(WsSecurityPolicy.SignedWith.SECURITY_CONTEXT);
        if (!taken) {
            if (raw.secureConversation() != null) {
                throw new InvalidConfigurationException(key + ".secureConversation: no require entry has signedWith: security-context");
            }
            return null;
        }
        if (!signResponses) {
            throw new InvalidConfigurationException(key + ".responses.sign: must be true where signedWith: security-context is "
                    + "taken (answers are signed with the caller's context)");
        }
        FileSecureConversation settings = raw.secureConversation() == null ? new FileSecureConversation(null, null, null, null, null)
                : raw.secureConversation();
        int lifetime = or(settings.lifetimeSeconds(), 3600);
        int renewalWindow = or(settings.renewalWindowSeconds(), 3600);
        int maxContexts = or(settings.maxContexts(), 10_000);
        int maxContextsPerCaller = or(settings.maxContextsPerCaller(), 10);
        long keyRollover = settings.keyRolloverSeconds() != null ? settings.keyRolloverSeconds()
                : io.portcullis.soap.SecurityContexts.Limits.defaultKeyRollover(java.time.Duration.ofSeconds(lifetime)).toSeconds();
        if (lifetime < 60 || lifetime > 86_400 || renewalWindow < 0 || renewalWindow > 86_400 || maxContexts < 1 || maxContexts > 1_000_000 || maxContextsPerCaller < 1
                || maxContextsPerCaller > maxContexts) {
            throw new InvalidConfigurationException(key + ".secureConversation: lifetimeSeconds must be 60..86400, "
                    + "renewalWindowSeconds 0..86400, maxContexts 1..1000000 and maxContextsPerCaller 1..maxContexts");
        }
        try {
            return new io.portcullis.soap.SecurityContexts.Limits(java.time.Duration.ofSeconds(lifetime),
                    java.time.Duration.ofSeconds(renewalWindow), maxContexts, maxContextsPerCaller, java.time.Duration.ofSeconds(keyRollover));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ".secureConversation: keyRolloverSeconds must be 0.."
                    + io.portcullis.soap.SecurityContexts.Limits.MAX_KEY_ROLLOVER.toSeconds() + " and at most half the lifetime");
        }
    }

    /** A key identifier for a signature or encryption the settings do not ask for is refused: it would do nothing. */
    private static Wss4jMessageSecurer.KeyIdentifiers keyIdentifiers(String key, FileKeyIdentifiers raw, boolean signs,
                                                                     boolean encrypts) throws InvalidConfigurationException {
        Wss4jMessageSecurer.KeyIdentifiers defaults = Wss4jMessageSecurer.KeyIdentifiers.DEFAULT;
        if (raw == null) {
            return defaults;
        }
        if (raw.signature() != null && !signs) {
            throw new InvalidConfigurationException(key + ".signature: nothing is signed in this direction");
        }
        if (raw.encryption() != null && !encrypts) {
            throw new InvalidConfigurationException(key + ".encryption: nothing is encrypted in this direction");
        }
        return new Wss4jMessageSecurer.KeyIdentifiers(
                raw.signature() == null ? defaults.signature() : keyIdentifier(key + ".signature", raw.signature()),
                raw.encryption() == null ? defaults.encryption() : keyIdentifier(key + ".encryption", raw.encryption()));
    }

    private static Wss4jMessageSecurer.KeyIdentifier keyIdentifier(String key, String name) throws InvalidConfigurationException {
        try {
            return Wss4jMessageSecurer.KeyIdentifier.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key + ": '" + name + "' " + e.getMessage());
        }
    }

    /** WS-I BSP rule ids as WSS4J names them in its messages ({@code R3029}), among those a route may waive. */
    private static Set<BSPRule> bspRules(String key, List<String> names) throws InvalidConfigurationException {
        Set<BSPRule> rules = java.util.EnumSet.noneOf(BSPRule.class);
        String waivable = WsSecurityPolicy.WAIVABLE_BSP_RULES.stream().map(Enum::name).sorted().toList().toString();
        for (String name : names == null ? List.<String>of() : names) {
            BSPRule rule = WsSecurityPolicy.WAIVABLE_BSP_RULES.stream().filter(r -> r.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidConfigurationException(key + ": '" + name + "' cannot be waived; only "
                            + waivable + " can (the rest guard freshness, references and algorithms)"));
            rules.add(rule);
        }
        if (rules.contains(BSPRule.R3029) != rules.contains(BSPRule.R3030)) {
            throw new InvalidConfigurationException(key + ": R3029 and R3030 go together (a token without EncodingType "
                    + "breaks both)");
        }
        return rules;
    }

    private static java.util.Set<WsSecurityPolicy.Part> parts(String key, List<String> names) throws InvalidConfigurationException {
        java.util.Set<WsSecurityPolicy.Part> parts = java.util.EnumSet.noneOf(WsSecurityPolicy.Part.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                parts.add(WsSecurityPolicy.Part.parse(name));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(key + ": '" + name + "' " + e.getMessage());
            }
        }
        return parts;
    }

    private static GatewaySettings.Basic basic(FileBasic raw, Path base) throws InvalidConfigurationException {
        Path users = existingFile("authentication.basic.usersFile", raw.usersFile(), base, true);
        LoginThrottleSettings defaults = LoginThrottleSettings.DEFAULTS;
        try {
            LoginThrottleSettings throttle = new LoginThrottleSettings(
                    raw.maxUserFailures() == null ? defaults.maxUserFailures() : raw.maxUserFailures(),
                    raw.maxAddressFailures() == null ? defaults.maxAddressFailures() : raw.maxAddressFailures(),
                    raw.windowMinutes() == null ? defaults.window() : java.time.Duration.ofMinutes(raw.windowMinutes()),
                    raw.firstLockoutMinutes() == null ? defaults.firstLockout() : java.time.Duration.ofMinutes(raw.firstLockoutMinutes()),
                    raw.maxLockoutMinutes() == null ? defaults.maxLockout() : java.time.Duration.ofMinutes(raw.maxLockoutMinutes()),
                    defaults.rememberLockoutsFor(), defaults.maxTrackedKeys());
            return new GatewaySettings.Basic(users, throttle);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("authentication.basic: " + e.getMessage());
        }
    }

    private static JwtSettings jwt(FileJwt raw, Path base) throws InvalidConfigurationException {
        JwtSettings.Builder builder = JwtSettings.builder().issuer(raw.issuer()).audiences(raw.audiences());
        try {
            if (raw.algorithms() != null) {
                builder.algorithms(raw.algorithms().toArray(String[]::new));
            }
            if (raw.jwksFile() != null) {
                builder.jwksFile(existingFile("authentication.jwt.jwksFile", raw.jwksFile(), base, true));
            }
            if (raw.jwksUrl() != null) {
                builder.jwksUrl(URI.create(raw.jwksUrl()));
            }
            if (raw.jwksCacheSeconds() != null) {
                builder.jwksCacheTtl(java.time.Duration.ofSeconds(raw.jwksCacheSeconds()));
            }
            if (raw.jwksMinRefreshSeconds() != null) {
                builder.jwksMinRefreshInterval(java.time.Duration.ofSeconds(raw.jwksMinRefreshSeconds()));
            }
            if (raw.clockSkewSeconds() != null) {
                builder.clockSkew(java.time.Duration.ofSeconds(raw.clockSkewSeconds()));
            }
            if (raw.requiredClaims() != null) {
                builder.requiredClaims(raw.requiredClaims());
            }
            if (raw.rolesClaim() != null) {
                builder.rolesClaim(raw.rolesClaim());
            }
            if (raw.scopesClaim() != null) {
                builder.scopesClaim(raw.scopesClaim());
            }
            if (raw.tenantClaim() != null) {
                builder.tenantClaim(raw.tenantClaim());
            }
            if (raw.attributeClaims() != null) {
                builder.attributeClaims(raw.attributeClaims());
            }
            if (raw.maxLifetimeMinutes() != null) {
                builder.maxLifetime(java.time.Duration.ofMinutes(raw.maxLifetimeMinutes()));
            }
            if (raw.requireAccessTokenType() != null) {
                builder.requireAccessTokenType(raw.requireAccessTokenType());
            }
            if (raw.introspection() != null) {
                FileIntrospection i = raw.introspection();
                String secret = secret("authentication.jwt.introspection.clientSecretFile", i.clientSecretFile(), base, true);
                builder.introspection(new io.portcullis.engine.authn.jwt.IntrospectionSettings(
                        i.endpoint() == null ? null : URI.create(i.endpoint()), i.clientId(), secret,
                        i.cacheSeconds() == null ? io.portcullis.engine.authn.jwt.IntrospectionSettings.DEFAULT_CACHE_TTL
                                : java.time.Duration.ofSeconds(i.cacheSeconds()),
                        i.timeoutMillis() == null ? io.portcullis.engine.authn.jwt.IntrospectionSettings.DEFAULT_TIMEOUT
                                : java.time.Duration.ofMillis(i.timeoutMillis())));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    private static GatewaySettings.TlsListener tls(FileTlsListener raw, Path base) throws InvalidConfigurationException {
        String host = raw.host() == null ? "127.0.0.1" : raw.host();
        int port = port("tlsListener.port", raw.port(), 8443);
        Path keyStore = existingFile("tlsListener.keyStore", raw.keyStore(), base, true);
        String keyStorePassword = secret("tlsListener.keyStorePasswordFile", raw.keyStorePasswordFile(), base, true);
        String clientAuth = raw.clientAuth() == null ? "none" : raw.clientAuth();
        if (!Set.of("none", "request", "require").contains(clientAuth)) {
            throw new InvalidConfigurationException("tlsListener.clientAuth: must be none, request or require");
        }
        Path trustStore = existingFile("tlsListener.trustStore", raw.trustStore(), base, !clientAuth.equals("none"));
        String trustStorePassword = secret("tlsListener.trustStorePasswordFile", raw.trustStorePasswordFile(), base, false);
        Path crl = existingFile("tlsListener.crlFile", raw.crlFile(), base, false);
        IdentitySource identityFrom;
        try {
            identityFrom = raw.identityFrom() == null ? IdentitySource.SUBJECT_CN : IdentitySource.parse(raw.identityFrom());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("tlsListener.identityFrom: " + e.getMessage());
        }
        Path clients = existingFile("tlsListener.clientsFile", raw.clientsFile(), base, false);
        return new GatewaySettings.TlsListener(host, port, keyStore, keyStorePassword, trustStore, trustStorePassword,
                clientAuth, crl, identityFrom, clients);
    }

    private static Path existingFile(String key, String value, Path base, boolean required) throws InvalidConfigurationException {
        if (value == null) {
            if (required) {
                throw new InvalidConfigurationException(key + ": required");
            }
            return null;
        }
        Path file = base.resolve(value).normalize();
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException(key + ": " + file + " does not exist");
        }
        return file;
    }

    /** Secrets live in their own files (mode 600), never in the configuration itself. */
    private static String secret(String key, String value, Path base, boolean required) throws InvalidConfigurationException {
        Path file = existingFile(key, value, base, required);
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new InvalidConfigurationException(key + ": " + file + " cannot be read");
        }
    }

    /** The admin listener has no authentication: off loopback only when the configuration says so in as many words. */
    private static GatewaySettings.Admin admin(FileAdmin raw) throws InvalidConfigurationException {
        String host = raw == null || raw.host() == null ? "127.0.0.1" : raw.host();
        int port = port("admin.port", raw == null ? null : raw.port(), 8081);
        boolean allowRemote = raw != null && Boolean.TRUE.equals(raw.allowRemote());
        if (!allowRemote && !isLoopback(host)) {
            throw new InvalidConfigurationException("admin.host: '" + host + "' is not a loopback address; the admin "
                    + "listener is unauthenticated (reload, status), so it stays on loopback unless admin.allowRemote is true");
        }
        List<String> hostNames = raw == null || raw.hostNames() == null ? List.of() : raw.hostNames();
        for (String name : hostNames) {
            if (name == null || !name.matches("[A-Za-z0-9.-]{1,253}")) {
                throw new InvalidConfigurationException("admin.hostNames: '" + name + "' is not a host name (no port, no scheme)");
            }
        }
        return new GatewaySettings.Admin(host, port, hostNames);
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress() && host.matches("[0-9.:]+");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static GatewaySettings.Listener listener(String key, FileListener raw, int defaultPort)
            throws InvalidConfigurationException {
        String host = raw == null || raw.host() == null ? "127.0.0.1" : raw.host();
        int port = port(key + ".port", raw == null ? null : raw.port(), defaultPort);
        int maxBody = raw == null || raw.maxBodyBytes() == null ? 1 << 20 : raw.maxBodyBytes();
        if (maxBody < 1024 || maxBody > (64 << 20)) {
            throw new InvalidConfigurationException(key + ".maxBodyBytes: must be between 1024 and 67108864");
        }
        int workers = raw == null || raw.workerThreads() == null ? 64 : raw.workerThreads();
        if (workers < 1 || workers > 1024) {
            throw new InvalidConfigurationException(key + ".workerThreads: must be between 1 and 1024");
        }
        GatewaySettings.Guards defaults = GatewaySettings.Guards.defaults(workers);
        GatewaySettings.Guards guards = new GatewaySettings.Guards(
                bounded(key + ".maxConcurrentRequests", raw == null ? null : raw.maxConcurrentRequests(),
                        defaults.maxConcurrentRequests(), 1, 100_000),
                bounded(key + ".maxConcurrentRequestsPerClient", raw == null ? null : raw.maxConcurrentRequestsPerClient(),
                        defaults.maxConcurrentRequestsPerClient(), 1, 100_000),
                bounded(key + ".maxHeaderBytes", raw == null ? null : raw.maxHeaderBytes(), defaults.maxHeaderBytes(), 1024,
                        1 << 20),
                java.time.Duration.ofMillis(bounded(key + ".requestReadTimeoutMillis",
                        raw == null ? null : raw.requestReadTimeoutMillis(), (int) defaults.requestReadTimeout().toMillis(),
                        100, 600_000)),
                bounded(key + ".maxConnections", raw == null ? null : raw.maxConnections(), defaults.maxConnections(), 1, 1_000_000),
                bounded(key + ".maxConnectionsPerClient", raw == null ? null : raw.maxConnectionsPerClient(),
                        defaults.maxConnectionsPerClient(), 1, 1_000_000));
        if (guards.maxConnectionsPerClient() > guards.maxConnections()) {
            throw new InvalidConfigurationException(key + ".maxConnectionsPerClient: more than maxConnections ("
                    + guards.maxConnections() + ")");
        }
        return new GatewaySettings.Listener(host, port, maxBody, workers, raw == null || raw.enabled() == null || raw.enabled(),
                guards);
    }

    private static int bounded(String key, Integer value, int byDefault, int min, int max) throws InvalidConfigurationException {
        int number = value == null ? byDefault : value;
        if (number < min || number > max) {
            throw new InvalidConfigurationException(key + ": must be between " + min + " and " + max);
        }
        return number;
    }

    private static int port(String key, Integer value, int defaultPort) throws InvalidConfigurationException {
        int port = value == null ? defaultPort : value;
        if (port < 0 || port > 65535) {
            throw new InvalidConfigurationException(key + ": " + port + " is not a port number");
        }
        return port;
    }

    private static String path(List<com.fasterxml.jackson.databind.JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (var reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(top level)" : path.toString();
    }
}
