package io.portcullis.rest;

import io.portcullis.engine.adapter.OperationDeclaration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A declared REST operation, {@code "GET /api/accounts/{id}"}: a method (or {@code *} for any)
 * and a path template whose segments are literals, {@code {name}} parameters, or a final
 * {@code **} matching any remainder. Rules know the operation by the name after {@code as}
 * ({@code "POST /api/transfers as transfer"}), or by the declaration itself when it has none.
 */
public final class OperationTemplate {

    private final String operation;
    private final String method;
    private final List<String> segments;
    private final boolean openEnded;

    private OperationTemplate(String operation, String method, List<String> segments, boolean openEnded) {
        this.operation = operation;
        this.method = method;
        this.segments = segments;
        this.openEnded = openEnded;
    }

    /** @throws IllegalArgumentException with a message naming the declaration when it is malformed */
    public static OperationTemplate parse(String declaration) {
        OperationDeclaration declared = OperationDeclaration.parse(declaration);
        String[] parts = declared.pattern().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("operation '" + declaration + "' must be 'METHOD /path', e.g. 'GET /api/accounts/{id}'");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        if (!method.equals("*") && !method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("operation '" + declaration + "' has an invalid method");
        }
        String path = parts[1];
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("operation '" + declaration + "': the path must start with /");
        }
        List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/", -1)));
        boolean openEnded = !segments.isEmpty() && segments.get(segments.size() - 1).equals("**");
        if (openEnded) {
            segments.remove(segments.size() - 1);
        }
        for (String segment : segments) {
            if (segment.contains("*") || (segment.contains("{") && !segment.matches("\\{[A-Za-z][A-Za-z0-9_]*}"))) {
                throw new IllegalArgumentException("operation '" + declaration + "': segment '" + segment
                        + "' must be a literal, a {name} parameter, or a final **");
            }
        }
        String name = declared.name().equals(declared.pattern()) ? method + " " + path : declared.name();
        return new OperationTemplate(name, method, List.copyOf(segments), openEnded);
    }

    public String operation() {
        return operation;
    }

    /**
     * @param method       the request method
     * @param pathSegments the decoded path segments (without the leading empty one)
     */
    public Optional<Map<String, String>> match(String method, List<String> pathSegments) {
        if (!this.method.equals("*") && !this.method.equals(method)) {
            return Optional.empty();
        }
        if (openEnded ? pathSegments.size() < segments.size() : pathSegments.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            String actual = pathSegments.get(i);
            if (expected.startsWith("{")) {
                if (actual.isEmpty()) {
                    return Optional.empty();
                }
                params.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** Literal segments before the first parameter: more specific templates are tried first. */
    int specificity() {
        int literals = 0;
        for (String segment : segments) {
            if (segment.startsWith("{")) {
                break;
            }
            literals++;
        }
        return literals * 2 + (openEnded ? 0 : 1);
    }
}
