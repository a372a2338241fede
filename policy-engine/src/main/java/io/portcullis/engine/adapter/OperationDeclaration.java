package io.portcullis.engine.adapter;

import io.portcullis.engine.model.ApiRequest;
import java.util.regex.Pattern;

/**
 * One line of a route's operation list: what to match, in the protocol's own terms, and the name
 * rules know the operation by. {@code "POST /api/transfers as transfer"} (REST) and
 * {@code "{urn:portcullis:demo-bank}Transfer as transfer"} (SOAP) both name the operation
 * {@code transfer}, so one rule holds on both faces of a service. Without {@code as name} the
 * operation is named by its pattern ({@code "GET /api/branches"}).
 */
public record OperationDeclaration(String pattern, String name) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final String AS = " as ";

    /** @throws IllegalArgumentException naming the declaration when the name is not a plain word */
    public static OperationDeclaration parse(String declaration) {
        String trimmed = declaration.strip();
        int as = trimmed.lastIndexOf(AS);
        if (as < 0) {
            return new OperationDeclaration(trimmed, trimmed);
        }
        String pattern = trimmed.substring(0, as).strip();
        String name = trimmed.substring(as + AS.length()).strip();
        if (!NAME.matcher(name).matches() || name.equals(ApiRequest.UNDECLARED_OPERATION)) {
            throw new IllegalArgumentException("operation '" + declaration
                    + "': the name after 'as' must be a word such as getAccount");
        }
        return new OperationDeclaration(pattern, name);
    }
}
