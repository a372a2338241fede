package io.portcullis.engine.model;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling and how we know. Every authentication method ends in one of these, so a rule
 * written against {@code principal} holds whatever the caller used to prove its identity.
 *
 * @param subject   stable caller id ({@code alice}); empty for the anonymous principal
 * @param roles     coarse roles used by function-level rules ({@code customer}, {@code admin})
 * @param scopes    OAuth2 scopes, empty when the method has none
 * @param tenant    the caller's tenant, empty when the deployment is single-tenant
 * @param authMethod how the identity was established
 * @param keyId     which credential was used (API key id, JWT {@code kid}); never the secret itself
 * @param attributes what the credential grants beyond roles, by name: the objects the caller may
 *                   act on ({@code accounts → [acc-alice-1]}), as a bank's consent or token lists them
 * @param methods    every method that proved part of the identity: a JWT presented over mTLS has
 *                   both, so a rule can require both for an operation
 */
public record Principal(String subject, Set<String> roles, Set<String> scopes, String tenant,
                        AuthMethod authMethod, String keyId, Map<String, Set<String>> attributes,
                        Set<AuthMethod> methods) {

    public static final Principal ANONYMOUS = new Principal("", Set.of(), Set.of(), "", AuthMethod.NONE, "", Map.of(),
            Set.of());

    /** A principal proved by one method. */
    public Principal(String subject, Set<String> roles, Set<String> scopes, String tenant, AuthMethod authMethod,
                     String keyId, Map<String, Set<String>> attributes) {
        this(subject, roles, scopes, tenant, authMethod, keyId, attributes,
                authMethod == AuthMethod.NONE ? Set.of() : Set.of(authMethod));
    }

    public static Builder builder(String subject, AuthMethod method) {
        return new Builder(subject, method);
    }

    public Principal {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
        scopes = Set.copyOf(scopes);
        tenant = tenant == null ? "" : tenant;
        Objects.requireNonNull(authMethod, "authMethod");
        keyId = keyId == null ? "" : keyId;
        Map<String, Set<String>> copy = new java.util.LinkedHashMap<>();
        (attributes == null ? Map.<String, Set<String>>of() : attributes).forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        attributes = java.util.Collections.unmodifiableMap(copy);
        methods = methods == null ? Set.of() : Set.copyOf(methods);
        if (authMethod != AuthMethod.NONE && !methods.contains(authMethod)) {
            throw new IllegalArgumentException("the primary method must be among the methods");
        }
        if (authMethod != AuthMethod.NONE && subject.isEmpty()) {
            throw new IllegalArgumentException("an authenticated principal needs a subject");
        }
    }

    /** Who this caller is for counting and bounds: the same subject in two tenants is two callers. */
    public String callerKey() {
        return "subject:" + (tenant == null || tenant.isEmpty() ? "" : tenant + "/") + subject;
    }

    public boolean authenticated() {
        return authMethod != AuthMethod.NONE;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** True when the caller has at least one of the roles in a space- or comma-separated list. */
    public boolean hasAnyRole(String roleList) {
        // Scanned by hand rather than split with a regex: this runs on every decision.
        int start = -1;
        for (int i = 0; i <= roleList.length(); i++) {
            boolean separator = i == roleList.length() || roleList.charAt(i) == ',' || Character.isWhitespace(roleList.charAt(i));
            if (separator) {
                if (start >= 0 && roles.contains(roleList.substring(start, i))) {
                    return true;
                }
                start = -1;
            } else if (start < 0) {
                start = i;
            }
        }
        return false;
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** True when {@code method} (e.g. {@code "MTLS"}) proved part of this identity. */
    public boolean authenticatedBy(String method) {
        for (AuthMethod used : methods) {
            if (used.name().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** The same caller, also proved by another method (a client certificate under a token). */
    /** The same caller, established by {@code method} alone (e.g. a user's password checked inside a SOAP message). */
    public Principal provedBy(AuthMethod method) {
        return new Principal(subject, roles, scopes, tenant, method, keyId, attributes, Set.of(method));
    }

    public Principal alsoProvedBy(AuthMethod method) {
        Set<AuthMethod> more = new java.util.HashSet<>(methods);
        more.add(method);
        return new Principal(subject, roles, scopes, tenant, authMethod, keyId, attributes, more);
    }

    /**
     * True when the credential grants {@code value} under {@code attribute}; false for a null
     * value, so a missing object id never counts as owned.
     */
    public boolean hasAttribute(String attribute, String value) {
        Set<String> values = attributes.get(attribute);
        return value != null && values != null && values.contains(value);
    }

    /** Builds a principal for one authentication method; roles, scopes and attributes default to none. */
    public static final class Builder {
        private final String subject;
        private final AuthMethod method;
        private Set<String> roles = Set.of();
        private Set<String> scopes = Set.of();
        private String tenant = "";
        private String keyId = "";
        private Map<String, Set<String>> attributes = Map.of();

        private Builder(String subject, AuthMethod method) {
            this.subject = subject;
            this.method = method;
        }

        public Builder roles(java.util.Collection<String> v) { roles = Set.copyOf(v); return this; }
        public Builder scopes(java.util.Collection<String> v) { scopes = Set.copyOf(v); return this; }
        public Builder tenant(String v) { tenant = v; return this; }
        public Builder keyId(String v) { keyId = v; return this; }
        public Builder attributes(Map<String, Set<String>> v) { attributes = v; return this; }

        public Principal build() {
            return new Principal(subject, roles, scopes, tenant, method, keyId, attributes);
        }
    }
}
