package io.portcullis.engine.http;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Upstream error answers that must not reach the client as they are (OWASP API8, verbose errors):
 * server errors of JSON APIs, whose bodies are the likeliest to carry stack traces, SQL and paths,
 * and any 4xx or 5xx answer, of any protocol, whose body looks like a stack trace or a database
 * error. SOAP faults are HTTP 500 by design and pass unless they carry such internals. Successful
 * answers are not searched: that would cost every response, and their data is the DLP rules' to judge.
 */
public final class UpstreamErrors {

    /** Why an upstream answer was replaced by a generic one. */
    public static final String HIDDEN = "UPSTREAM_ERROR_HIDDEN";
    /** Only the start of a body is searched: traces are at the top, and the search stays bounded. */
    static final int SEARCHED_BYTES = 64 * 1024;

    // Every repetition is bounded: the body is the upstream's, and a crafted stored value must not
    // make one search cost seconds (ReDoS).
    private static final Pattern INTERNALS = Pattern.compile(
            "(?:\\bat [a-zA-Z_$][\\w$]{0,100}(?:\\.[\\w$<>]{1,100}){1,30}\\([\\w$]{0,100}\\.(?:java|kt|scala|groovy):\\d{1,6}\\))"
                    + "|(?:Traceback \\(most recent call last\\))"
                    + "|(?:Exception in thread \")"
                    + "|(?:\\b(?:java|javax|jakarta|org\\.springframework|org\\.hibernate)\\.[\\w.]{1,200}(?:Exception|Error)\\b)"
                    + "|(?:\\bSQLSTATE\\[?\\w{0,10}\\]?|\\bORA-\\d{5}\\b|\\bPG::\\w{1,60}Error|You have an error in your SQL syntax)"
                    + "|(?:(?m)^[ \\t]{1,16}at \\S{1,200} \\([^)\\n]{1,400}\\.(?:js|ts|mjs|cjs):\\d{1,6}:\\d{1,6}\\))"
                    + "|(?:\\bin /[\\w/.-]{1,400}\\.php on line \\d{1,6})"
                    + "|(?:System\\.[\\w.]{1,200}Exception:)");

    private UpstreamErrors() {
    }

    /**
     * Whether the answer must be replaced by the protocol's generic error.
     *
     * @param serverErrorsAreFaults the protocol answers its own faults with 5xx (SOAP), so a server
     *                              error alone is not a leak
     */
    public static boolean revealing(boolean serverErrorsAreFaults, HttpResponseMessage response) {
        if (response.status() < 400) {
            return false;
        }
        if (response.status() >= 500 && !serverErrorsAreFaults) {
            return true;
        }
        byte[] body = response.body();
        if (body.length == 0) {
            return false;
        }
        String start = new String(body, 0, Math.min(body.length, SEARCHED_BYTES), StandardCharsets.UTF_8);
        return INTERNALS.matcher(start).find();
    }
}
