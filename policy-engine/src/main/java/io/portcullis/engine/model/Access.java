package io.portcullis.engine.model;

/**
 * Function-level access check behind the operation access table
 * ({@code rules/authz/operation-access.drl.csv}): one row per operation says who may call it, and
 * this turns that cell into a finding, so the table stays a plain role × operation list.
 */
public final class Access {

    /** The cell value that makes an operation callable without credentials. */
    public static final String PUBLIC = "public";

    private Access() {
    }

    /**
     * @param request the request being decided
     * @param whoMayCall {@value #PUBLIC}, or the roles allowed, separated by spaces or commas
     */
    public static Finding check(ApiRequest request, String whoMayCall) {
        String allowed = whoMayCall == null ? "" : whoMayCall.trim();
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("an access table row needs 'public' or at least one role");
        }
        if (allowed.equalsIgnoreCase(PUBLIC)) {
            return Finding.permit("PUBLIC_OPERATION");
        }
        Principal caller = request.principal();
        if (!caller.authenticated()) {
            return Finding.deny(Decision.AUTHN_REQUIRED, 401, Decision.AUTHENTICATION_REQUIRED_MESSAGE);
        }
        if (caller.hasAnyRole(allowed)) {
            return Finding.permit("ROLE_ALLOWED");
        }
        return Finding.deny("FUNCTION_NOT_ALLOWED", 403, "Your role does not allow this operation.");
    }
}
