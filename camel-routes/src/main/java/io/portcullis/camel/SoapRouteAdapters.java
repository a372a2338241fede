package io.portcullis.camel;

import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.engine.authn.PasswordVerifier;
import io.portcullis.engine.authn.WatchedFile;
import io.portcullis.engine.authn.basic.LoginThrottle;
import io.portcullis.engine.authn.mtls.CertificateClients;
import io.portcullis.engine.authn.mtls.ClientCertificateAuthenticator;
import io.portcullis.engine.cluster.RedisStore;
import io.portcullis.engine.model.AuthMethod;
import io.portcullis.engine.model.ClientCertificate;
import io.portcullis.engine.replay.ReplayGuard;
import io.portcullis.soap.DigestUsers;
import io.portcullis.soap.InMemorySecurityContexts;
import io.portcullis.soap.OutboundSecurity;
import io.portcullis.soap.RedisSecurityContexts;
import io.portcullis.soap.SecurityContexts;
import io.portcullis.soap.ServiceSchema;
import io.portcullis.soap.SignerTrust;
import io.portcullis.soap.SoapAdapter;
import io.portcullis.soap.SoapRouteSettings;
import io.portcullis.soap.UsernameTokens;
import io.portcullis.soap.Wss4jCrypto;
import io.portcullis.soap.Wss4jMessageSecurer;
import io.portcullis.soap.Wss4jMessageVerifier;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.apache.wss4j.common.crypto.Crypto;

/** Builds a configured SOAP route's adapter, with its WS-Security verifier when the route has one. */
final class SoapRouteAdapters {

    private SoapRouteAdapters() {
    }

    /**
     * @param passwords      checks UsernameToken PasswordText (the HTTP Basic users), or null when Basic is off
     * @param replays        remembers signatures and nonces for every SOAP route (and node, through Redis)
     * @param digestLockouts lockouts for PasswordDigest failures, shared by every SOAP route
     * @param shared         the cluster's Redis, which holds the route's security contexts, or null (this node's memory)
     * @param resources      collects watched files to close with the runtime
     * @param clock          the runtime's clock, by which security contexts expire
     */
    static SoapAdapter create(GatewaySettings.Route route, PasswordVerifier passwords, ReplayGuard replays,
                              LoginThrottle digestLockouts, RedisStore shared, List<AutoCloseable> resources, Clock clock)
            throws IOException {
        SoapRouteSettings settings = new SoapRouteSettings(route.name(), route.operations(), route.xmlLimits());
        ServiceSchema schema = route.schema() == null ? null : ServiceSchema.load(route.schema());
        GatewaySettings.WsSecurity wss = route.wsSecurity();
        if (wss == null) {
            return new SoapAdapter(settings, null, schema, null);
        }
        char[] keyPassword = wss.keyStorePassword() == null ? new char[0] : wss.keyStorePassword().toCharArray();
        Crypto decryption = wss.keyStore() == null ? null : Wss4jCrypto.load(wss.keyStore(), keyPassword, null, null, null);
        Crypto trust = wss.trustStore() == null ? null : Wss4jCrypto.load(null, null, wss.trustStore(),
                wss.trustStorePassword() == null ? new char[0] : wss.trustStorePassword().toCharArray(), wss.crlFile());
        Supplier<CertificateClients> signers = () -> CertificateClients.NONE;
        if (wss.signersFile() != null) {
            WatchedFile<CertificateClients> file = WatchedFile.watch(wss.signersFile(), CertificateClients::load);
            resources.add(file);
            signers = file;
        }
        UsernameTokens usernameTokens = UsernameTokens.text(passwords);
        if (wss.digestUsersFile() != null) {
            WatchedFile<DigestUsers> digestUsers = WatchedFile.watch(wss.digestUsersFile(), DigestUsers::load);
            resources.add(digestUsers);
            usernameTokens = new UsernameTokens(passwords, digestUsers, digestLockouts);
        }
        ClientCertificateAuthenticator signerIdentities = new ClientCertificateAuthenticator(wss.identityFrom(), signers);
        SecurityContexts contexts = securityContexts(route, decryption, keyPassword, shared, clock);
        Wss4jMessageVerifier verifier = new Wss4jMessageVerifier(wss.policy(),
                new SignerTrust(trust, wss.crlFile() != null, wss.signerSubjects()), decryption,
                Wss4jCrypto.keyPasswords(keyPassword),
                replays, usernameTokens,
                certificate -> signerIdentities.identify(ClientCertificate.of(certificate), AuthMethod.WS_SECURITY), contexts);
        return new SoapAdapter(settings, verifier, schema, outbound(wss, decryption, keyPassword), contexts);
    }

    /** The route's security contexts: in the cluster's Redis, sealed with a key derived from the gateway's, or in memory. */
    private static SecurityContexts securityContexts(GatewaySettings.Route route, Crypto keys, char[] keyPassword, RedisStore shared,
                                                     Clock clock) throws IOException {
        SecurityContexts.Limits limits = route.wsSecurity().secureConversation();
        if (limits == null) {
            return null;
        }
        if (shared == null) {
            return new InMemorySecurityContexts(limits, clock);
        }
        byte[] gatewayKey = Wss4jCrypto.privateKeyEncoding(keys, keyAlias(route.wsSecurity(), keys), keyPassword);
        return new RedisSecurityContexts(shared, route.name(), limits, gatewayKey, clock);
    }

    /** The key the gateway signs with and derives from: the configured alias, or the store's only key. */
    private static String keyAlias(GatewaySettings.WsSecurity wss, Crypto keys) throws IOException {
        return wss.keyAlias() != null ? wss.keyAlias() : Wss4jCrypto.onlyPrivateKeyAlias(keys);
    }

    private static OutboundSecurity outbound(GatewaySettings.WsSecurity wss, Crypto keys, char[] keyPassword)
            throws IOException {
        if (!wss.securesOutbound()) {
            return null;
        }
        String alias = keyAlias(wss, keys);
        X509Certificate upstream = wss.upstreamCertificate() == null ? null : Wss4jCrypto.certificate(wss.upstreamCertificate());
        return new OutboundSecurity(new Wss4jMessageSecurer(keys, alias, new String(keyPassword),
                (int) wss.policy().timestampTtl().toSeconds()), wss.signResponses(), wss.encryptResponses(), wss.responseKeys(),
                wss.signUpstream(), upstream, wss.upstreamKeys());
    }
}
