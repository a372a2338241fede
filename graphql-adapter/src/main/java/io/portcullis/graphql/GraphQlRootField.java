package io.portcullis.graphql;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One top-level selection of an operation, the unit rules judge a GraphQL request in: its own
 * operation name ({@code Query.account}), its arguments and everything it selects beneath.
 *
 * @param type           the root type: {@code Query}, {@code Mutation} or {@code Subscription}
 * @param field          the field's real name (never an alias)
 * @param responseKey    where its result appears under {@code data}: the alias, or the name
 * @param arguments      argument values with variables and defaults substituted, addressed by JSON
 *                       pointer as a JSON body would be: its own at the top ({@code /id},
 *                       {@code /input/amount}), those of fields beneath it by response key and
 *                       {@code @name} ({@code /holder/accounts/@first})
 * @param selectedFields every field selected beneath it and itself, as {@code Type.field}
 *                       ({@code Customer.nationalId}), fragments expanded, aliases resolved; sorted
 * @param cost           its estimated cost: field weights, multiplied through lists
 */
public record GraphQlRootField(String type, String field, String responseKey, Map<String, Object> arguments,
                               List<String> selectedFields, long cost) {

    public GraphQlRootField {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(responseKey, "responseKey");
        arguments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
        selectedFields = List.copyOf(selectedFields);
    }

    /** {@code Query.account}: what the route's operation declarations name. */
    public String qualifiedName() {
        return type + "." + field;
    }
}
