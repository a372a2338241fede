package io.portcullis.camel;

import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.camel.config.GatewaySettingsLoader;
import io.portcullis.graphql.GraphQlAdapter;
import io.portcullis.engine.RulePacks;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.replay.InMemoryReplayGuard;
import io.portcullis.engine.replay.RedisReplayGuard;
import io.portcullis.engine.replay.ReplayGuard;
import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.audit.AuditLog;
import io.portcullis.engine.inventory.EndpointInventory;
import io.portcullis.engine.authn.ApiKeyAuthenticator;
import io.portcullis.engine.authn.ApiKeyStore;
import io.portcullis.engine.authn.AuthenticationChain;
import io.portcullis.engine.authn.Authenticator;
import io.portcullis.engine.authn.WatchedFile;
import io.portcullis.engine.authn.basic.BasicAuthenticator;
import io.portcullis.engine.authn.basic.LoginThrottle;
import io.portcullis.engine.authn.basic.LoginThrottleSettings;
import io.portcullis.engine.authn.basic.UserStore;
import io.portcullis.engine.authn.jwt.JwtAuthenticator;
import io.portcullis.engine.authn.mtls.CertificateClients;
import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator;
import java.util.function.Supplier;
import io.portcullis.engine.gate.Gatekeeper;
import io.portcullis.engine.policy.LiveRulePack;
import io.portcullis.engine.policy.PolicyEngine;
import io.portcullis.engine.policy.RulePackPolicyEngine;
import io.portcullis.engine.policy.RulesDirectoryWatcher;
import io.portcullis.rest.OpenApiContract;
import io.portcullis.rest.RestAdapter;
import io.portcullis.rest.RestRouteSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the gateway decides with, built once from the configuration: the live rule pack (and
 * its watcher), the policy engine, the authenticators and one {@link Gatekeeper} per route.
 * Framework-free, so the Camel component and the admin endpoints only look things up here.
 */
public final class GatewayRuntime implements AutoCloseable {

    private final LiveRulePack rules;
    private final RulesDirectoryWatcher watcher;
    private final PolicyEngine engine;
    private final AuthenticationChain authentication;
    private final EndpointInventory audit;
    private final Clock clock;
    private final Map<String, Gatekeeper> gatekeepers;
    private final io.portcullis.engine.ratelimit.RateLimits rateLimits;
    private final List<AutoCloseable> resources;

    private GatewayRuntime(LiveRulePack rules, RulesDirectoryWatcher watcher, Authenticator transport,
                           List<Authenticator> authenticators, Map<String, ProtocolAdapter> adapters,
                           Map<String, io.portcullis.engine.http.HttpPolicy> httpPolicies,
                           io.portcullis.engine.net.NetworkPolicy network,
                           Map<String, io.portcullis.engine.detect.AttackDetection> detections,
                           io.portcullis.engine.ratelimit.RateLimiter rateLimiter, int refusalsPerSecond,
                           EndpointInventory audit, Clock clock, List<AutoCloseable> resources) {
        this.rateLimits = new io.portcullis.engine.ratelimit.RateLimits(rateLimiter, refusalsPerSecond);
        this.rules = rules;
        this.watcher = watcher;
        this.resources = List.copyOf(resources);
        this.engine = new RulePackPolicyEngine(rules);
        this.authentication = new AuthenticationChain(transport, authenticators);
        this.audit = audit;
        this.clock = clock;
        Map<String, Gatekeeper> byRoute = new LinkedHashMap<>();
        adapters.forEach((route, adapter) -> byRoute.put(route, new Gatekeeper(route, adapter, authentication, engine, audit, clock,
                httpPolicies.get(route), network, detections.get(route), rateLimits)));
        this.gatekeepers = Map.copyOf(byRoute);
    }

    /** Loads the rule pack (a pack that fails leaves the gateway refusing every request with 503) and starts watching. */
    public static GatewayRuntime start(GatewaySettings settings, AuditLog audit, Clock clock) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return start(settings, audit, clock, resources);
        } catch (IOException | RuntimeException e) {
            // What was opened before the failure (file watchers, the Redis client and its retries) goes with it.
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static GatewayRuntime start(GatewaySettings settings, AuditLog audit, Clock clock, List<AutoCloseable> resources)
            throws IOException {
        // Every audit event also feeds the inventory of shadow and deprecated endpoints.
        EndpointInventory inventory = new EndpointInventory(audit);
        List<Authenticator> authenticators = new ArrayList<>();
        if (settings.apiKeys() != null) {
            WatchedFile<ApiKeyStore> keys = WatchedFile.watch(settings.apiKeys().file(), ApiKeyStore::load);
            resources.add(keys);
            authenticators.add(new ApiKeyAuthenticator(settings.apiKeys().header(), settings.apiKeys().queryParameter(), keys,
                    clock));
        }
        BasicAuthenticator basic = null;
        if (settings.basic() != null) {
            WatchedFile<UserStore> users = WatchedFile.watch(settings.basic().usersFile(), UserStore::load);
            resources.add(users);
            basic = new BasicAuthenticator(users, new LoginThrottle(settings.basic().throttle(), clock), clock);
            authenticators.add(basic);
        }
        if (settings.jwt() != null) {
            JwtAuthenticator jwt = JwtAuthenticator.create(settings.jwt(), clock);
            resources.add(jwt);
            authenticators.add(jwt);
        }
        Authenticator transport = null;
        if (settings.tlsListener() != null && !settings.tlsListener().clientAuth().equals("none")) {
            Supplier<CertificateClients> clients = () -> CertificateClients.NONE;
            if (settings.tlsListener().clientsFile() != null) {
                WatchedFile<CertificateClients> file = WatchedFile.watch(settings.tlsListener().clientsFile(), CertificateClients::load);
                resources.add(file);
                clients = file;
            }
            transport = new ClientCertificateAuthenticator(settings.tlsListener().identityFrom(), clients);
        }
        RedisStore shared = null;
        if (settings.cluster() != null) {
            GatewaySettings.Cluster cluster = settings.cluster();
            try {
                shared = RedisStore.connect(cluster.redis(),
                        cluster.password() == null ? null : cluster.password().toCharArray(), cluster.timeout());
            } catch (RuntimeException e) {
                throw new IOException("cluster.redis: cannot connect to " + cluster.redis() + ": " + e.getMessage(), e);
            }
            resources.add(shared);
        }
        // One replay memory and one digest lockout for all SOAP routes: a message accepted on one
        // route is a replay on every other, and a second route is not a second guessing budget.
        int replayEntries = settings.routes().stream().filter(r -> r.wsSecurity() != null)
                .mapToInt(r -> r.wsSecurity().replayCacheEntries()).max().orElse(100_000);
        ReplayGuard replays = shared != null ? new RedisReplayGuard(shared, "wss")
                : new InMemoryReplayGuard(replayEntries, clock);
        LoginThrottle digestLockouts = new LoginThrottle(
                settings.basic() == null ? LoginThrottleSettings.DEFAULTS : settings.basic().throttle(), clock);
        Map<String, ProtocolAdapter> adapters = new LinkedHashMap<>();
        Map<String, io.portcullis.engine.http.HttpPolicy> httpPolicies = new LinkedHashMap<>();
        for (GatewaySettings.Route route : settings.routes()) {
            httpPolicies.put(route.name(), route.http());
            adapters.put(route.name(), switch (route.protocol()) {
                case "soap" -> SoapRouteAdapters.create(route, basic, replays, digestLockouts, shared, resources, clock);
                case "graphql" -> new GraphQlAdapter(GatewaySettingsLoader.graphQlSettings(route.name(), route.path(), route.schema(),
                        route.operations(), route.graphQl(), settings.listener().maxBodyBytes(), route.maxResponseBytes()));
                default -> new RestAdapter(new RestRouteSettings(route.name(), route.operations(),
                        settings.listener().maxBodyBytes(), route.jsonLimits(), route.bodyContentTypes(),
                        route.maxResponseBytes(),
                        route.openApi() == null ? null : OpenApiContract.load(route.openApi(), route.strictProperties())));
            });
        }
        LiveRulePack rules = new LiveRulePack(RulePacks.loader(settings.rulesDirectory(), clock), clock);
        rules.reload();
        RulesDirectoryWatcher watcher = settings.watchRules()
                ? new RulesDirectoryWatcher(rules, WatchedFile.QUIET_PERIOD) : null;
        GatewaySettings.Network net = settings.network();
        Supplier<io.portcullis.engine.net.AddressList> deny = () -> io.portcullis.engine.net.AddressList.EMPTY;
        Supplier<io.portcullis.engine.net.AddressList> allow = () -> io.portcullis.engine.net.AddressList.EMPTY;
        if (net.denyFile() != null) {
            WatchedFile<io.portcullis.engine.net.AddressList> file = WatchedFile.watch(net.denyFile(), io.portcullis.engine.net.AddressList::load);
            resources.add(file);
            deny = file;
        }
        if (net.allowFile() != null) {
            WatchedFile<io.portcullis.engine.net.AddressList> file = WatchedFile.watch(net.allowFile(), io.portcullis.engine.net.AddressList::load);
            resources.add(file);
            allow = file;
        }
        io.portcullis.engine.net.NetworkPolicy network = new io.portcullis.engine.net.NetworkPolicy(
                io.portcullis.engine.net.AddressList.of(net.trustedProxies()), deny, allow, net.ipv6CountingPrefix());
        Map<String, Supplier<io.portcullis.engine.net.AddressList>> reputationLists = new LinkedHashMap<>();
        for (GatewaySettings.ReputationList list : net.reputationLists()) {
            WatchedFile<io.portcullis.engine.net.AddressList> file = WatchedFile.watch(list.file(), io.portcullis.engine.net.AddressList::load);
            resources.add(file);
            reputationLists.put(list.name(), file);
        }
        io.portcullis.engine.detect.AddressReputation reputation = io.portcullis.engine.detect.AddressReputation.of(reputationLists);
        Map<String, io.portcullis.engine.detect.AttackDetection> detections = new LinkedHashMap<>();
        for (GatewaySettings.Route route : settings.routes()) {
            GatewaySettings.Detection detection = route.detection();
            detections.put(route.name(), io.portcullis.engine.detect.AttackDetection.standard(detection.paranoia(),
                    detection.mode(), detection.threshold(), reputation));
        }
        // One set of buckets for every route: a caller's limit is the caller's, whichever route counts it.
        io.portcullis.engine.ratelimit.RateLimiter rateLimiter = shared == null
                ? new io.portcullis.engine.ratelimit.LocalRateLimiter()
                : new io.portcullis.engine.ratelimit.RedisRateLimiter(shared,
                        settings.cluster().quotasCountLocally(), settings.cluster().spikeArrestsCountLocally());
        return new GatewayRuntime(rules, watcher, transport, authenticators, adapters, httpPolicies, network, detections,
                rateLimiter, net.maxRefusalsPerSecondPerAddress(), inventory, clock, resources);
    }

    /** A gatekeeper for a configured route; null when there is none of that name. */
    public Gatekeeper gatekeeper(String route) {
        return gatekeepers.get(route);
    }

    /** A REST gatekeeper for a route that is not in the configuration (an integration team's own route). */
    public Gatekeeper gatekeeper(String route, RestRouteSettings settings) {
        return new Gatekeeper(route, new RestAdapter(settings), authentication, engine, audit, clock,
                io.portcullis.engine.http.HttpPolicy.DEFAULTS, io.portcullis.engine.net.NetworkPolicy.OPEN,
                io.portcullis.engine.detect.AttackDetection.defaults(), rateLimits);
    }

    /** Rate-limit counters since start: refused, refusedUnread, unavailable, storeFailures (Redis could not count). */
    public Map<String, Long> rateLimitCounters() {
        return rateLimits.counters();
    }

    /** Credential and trust files whose last change could not be used: the previous version is still serving. */
    public List<String> fileProblems() {
        List<String> problems = new ArrayList<>();
        for (AutoCloseable resource : resources) {
            if (resource instanceof WatchedFile<?> file && !file.lastError().isEmpty()) {
                problems.add(file.lastError());
            }
        }
        return problems;
    }

    /** The cluster's Redis, or null when the gateway has none. */
    public RedisStore redis() {
        return resources.stream().filter(RedisStore.class::isInstance).map(RedisStore.class::cast).findFirst().orElse(null);
    }

    /** Shadow and deprecated endpoints seen in the traffic (from the audit events). */
    public EndpointInventory inventory() {
        return audit;
    }

    public LiveRulePack rules() {
        return rules;
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IOException("could not release " + resource + ": " + e.getMessage(), e);
            }
        }
    }
}
