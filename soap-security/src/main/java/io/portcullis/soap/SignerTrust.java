package io.portcullis.soap;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.wss4j.common.crypto.Crypto;

/**
 * Which signers a route believes: certificates that chain to {@code truststore} (checked against
 * its CRLs when {@code checkRevocation}), whose subject DN matches one of {@code subjectPatterns}.
 *
 * @param truststore      trusted CAs or certificates; null trusts no signature
 * @param subjectPatterns regular expressions over the signer's subject DN (RFC 2253); empty: any subject
 */
public record SignerTrust(Crypto truststore, boolean checkRevocation, List<Pattern> subjectPatterns) {

    private static final List<Pattern> ANY_SUBJECT = List.of(Pattern.compile(".*"));

    public SignerTrust {
        subjectPatterns = subjectPatterns.isEmpty() ? ANY_SUBJECT : List.copyOf(subjectPatterns);
    }

    /** Trusts nothing: every signature is refused. */
    public static SignerTrust none() {
        return new SignerTrust(null, false, List.of());
    }
}
