package io.portcullis.engine.authn;

/**
 * Checks a username and password against the gateway's users, for protocols that carry them
 * inside the message (a WS-Security UsernameToken) rather than in an HTTP header. The same users
 * file, hashes, lockouts and audit reasons apply as for HTTP Basic.
 */
public interface PasswordVerifier {

    /**
     * @param password  kept by the caller, who erases it afterwards
     * @param address   the client as counted ({@code Peer.countingKey()}), for lockouts by address
     * @return the user's principal, or a failure whose reason is for the audit event only
     */
    Authentication verify(String username, char[] password, String address);
}
