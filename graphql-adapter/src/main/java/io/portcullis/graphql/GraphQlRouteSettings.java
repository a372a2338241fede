package io.portcullis.graphql;

import java.util.List;
import java.util.Objects;

/**
 * One GraphQL route's configuration.
 *
 * @param route            the route's name
 * @param path             the one path the service answers GraphQL on ({@code /graphql})
 * @param contract         the service's schema, with its cost model
 * @param operations       names for root fields, as {@code Query.account as getAccount}; a root
 *                         field not named here is the operation {@code Query.account}
 * @param parseLimits      bounds on the parser's work
 * @param limits           ceilings for every caller; rules set lower limits per caller
 * @param persistedQueries the allowlist of documents that may run, or null to run any valid document
 * @param maxBodyBytes     largest request body read
 * @param maxResponseBytes largest upstream response inspected; larger ones are withheld
 */
public record GraphQlRouteSettings(String route, String path, GraphQlContract contract, List<String> operations,
                                   GraphQlParseLimits parseLimits, GraphQlLimits limits,
                                   PersistedQueries persistedQueries, int maxBodyBytes, int maxResponseBytes) {

    public GraphQlRouteSettings {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contract, "contract");
        operations = List.copyOf(operations);
        Objects.requireNonNull(parseLimits, "parseLimits");
        Objects.requireNonNull(limits, "limits");
    }
}
