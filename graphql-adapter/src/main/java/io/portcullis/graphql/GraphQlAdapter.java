package io.portcullis.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.OperationDeclaration;
import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.adapter.ResponseView;
import io.portcullis.engine.http.CanonicalPath;
import io.portcullis.engine.http.HeaderObligations;
import io.portcullis.engine.http.HttpForwarding;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.json.JsonBodies;
import io.portcullis.engine.json.JsonBodyValues;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GraphQL over HTTP: reads single and batched requests strictly, parses each operation within
 * parser limits, validates it against the route's schema, holds it to the route's ceilings, and
 * gives the rules one view per top-level selection, so {@code { branches account(id: "x") {...} }}
 * is judged as {@code listBranches} and {@code getAccount} separately and a public field cannot
 * carry a private one past them. Responses are judged the same way, {@code /data/<key>} per view.
 *
 * <p>Facts for rules, on every view (see {@code rules/README.md}): the request's cost; the
 * operation's type, name, depth, cost, aliases, fields, root-field count, batch size and
 * introspection; the view's own cost and the {@code Type.field}s it selects.
 *
 * <p>The request goes upstream as the client sent it (but for persisted queries named by hash,
 * written in whole), so everything the server could read differently is refused instead: another
 * path than the route's, a GET with a body, GraphQL parameters in a POST's URL, a hash that is not
 * the document's, an alias that is another field's name.
 */
public final class GraphQlAdapter implements ProtocolAdapter {

    public static final String OPERATION_TYPE = "graphql.operationType";
    public static final String OPERATION_NAME = "graphql.operationName";
    public static final String DEPTH = "graphql.depth";
    public static final String COST = "graphql.cost";
    public static final String OPERATION_COST = "graphql.operationCost";
    public static final String FIELD_COST = "graphql.fieldCost";
    public static final String ALIASES = "graphql.aliases";
    public static final String FIELD_COUNT = "graphql.fieldCount";
    public static final String ROOT_FIELD_COUNT = "graphql.rootFieldCount";
    public static final String MAX_DIRECTIVES = "graphql.maxDirectives";
    public static final String MAX_DUPLICATES = "graphql.maxDuplicates";
    public static final String BATCH_SIZE = "graphql.batchSize";
    public static final String INTROSPECTION = "graphql.introspection";
    public static final String FIELDS = "graphql.fields";
    /** The adapter's own record of what it read, for its views; not a fact rules use. */
    static final String PLAN = "graphql.plan";

    private final GraphQlRouteSettings settings;
    private final GraphQlOperationReader reader;
    private final Map<String, String> operationNames;
    private final JsonBodies json;

    /** The operations one HTTP request carries, as read. */
    record Plan(List<GraphQlOperation> operations, List<String> documents, boolean batched, boolean documentsSubstituted,
                long cost) {
    }

    /** @throws IllegalArgumentException naming the declaration when it names no root field of the schema */
    public GraphQlAdapter(GraphQlRouteSettings settings) {
        this.settings = settings;
        this.reader = new GraphQlOperationReader(settings.parseLimits(), settings.contract());
        Map<String, String> names = new HashMap<>();
        for (String declaration : settings.operations()) {
            OperationDeclaration parsed = OperationDeclaration.parse(declaration);
            if (!settings.contract().hasRootField(parsed.pattern())) {
                throw new IllegalArgumentException("operation '" + declaration
                        + "': the schema has no root field " + parsed.pattern() + " (write Query.field or Mutation.field)");
            }
            names.put(parsed.pattern(), parsed.name());
        }
        this.operationNames = Map.copyOf(names);
        this.json = new JsonBodies(io.portcullis.engine.json.JsonLimits.RESPONSES);
    }

    @Override
    public Protocol protocol() {
        return Protocol.GRAPHQL;
    }

    @Override
    public ApiRequest normalize(HttpRequestMessage message, RequestContext context) throws RequestRejectedException {
        if (message.body().length > settings.maxBodyBytes()) {
            throw new RequestRejectedException(413, "BODY_TOO_LARGE",
                    "The request body exceeds the " + settings.maxBodyBytes() + " bytes this API accepts.");
        }
        // The path goes upstream as sent: only the service's own path, in its one spelling.
        String path = "/" + String.join("/", CanonicalPath.segments(message.rawPath()));
        if (!path.equals(settings.path())) {
            throw new RequestRejectedException(404, "GRAPHQL_PATH_UNKNOWN", "GraphQL is served at " + settings.path() + " only.");
        }
        GraphQlHttpRequest.Batch read = GraphQlHttpRequest.readAll(message);
        List<GraphQlHttpRequest> batch = read.requests();
        settings.limits().checkBatch(batch.size());
        List<GraphQlOperation> operations = new ArrayList<>(batch.size());
        List<String> documents = new ArrayList<>(batch.size());
        boolean substituted = false;
        long cost = 0;
        for (GraphQlHttpRequest request : batch) {
            String document = request.query();
            PersistedQueries.checkHash(request);
            if (settings.persistedQueries() != null) {
                document = settings.persistedQueries().admit(request);
                substituted |= request.query() == null;
            } else if (document == null) {
                throw new RequestRejectedException(400, GraphQlHttpRequest.REQUEST_INVALID,
                        "This API does not keep persisted queries; send the query.");
            }
            GraphQlOperation operation;
            try {
                operation = reader.read(document, request.operationName(), request.variables());
                request.requireQueryIfGet(operation);
                settings.limits().check(operation);
            } catch (RequestRejectedException e) {
                // Whether a document fits the schema, and what it costs or names once it does, tells what the
                // schema holds: anonymous callers are not answered with it (see toldOnlyToAdmittedCallers).
                throw e.toldOnlyToAdmittedCallers(unplanned(message, context, path));
            }
            operations.add(operation);
            documents.add(document);
            cost = cost + operation.cost() < 0 ? Long.MAX_VALUE : cost + operation.cost();
        }
        try {
            settings.limits().checkBatchCost(cost);
        } catch (RequestRejectedException e) {
            throw e.toldOnlyToAdmittedCallers(unplanned(message, context, path));
        }
        Set<String> names = new LinkedHashSet<>();
        operations.forEach(operation -> operation.selections().forEach(selection -> names.add(operationName(selection))));
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(PLAN, new Plan(List.copyOf(operations), List.copyOf(documents), read.batch(), substituted, cost));
        Map<String, Object> values = inspectedValues(batch, operations, read.batch());
        return ApiRequest.builder()
                .id(context.requestId())
                .receivedAt(context.receivedAt())
                .protocol(Protocol.GRAPHQL)
                .route(context.route())
                .operation(String.join(",", names))
                .method(message.method())
                .path(path)
                .headers(message.headers())
                .peer(context.peer())
                .body(values)
                .attributes(attributes)
                .build();
    }

    /**
     * A request the GraphQL checks refuse, as far as it was read: no operation is told from it, so
     * the rules judge it as an undeclared one (an anonymous caller is asked to authenticate).
     */
    private static ApiRequest unplanned(HttpRequestMessage message, RequestContext context, String path) {
        return ApiRequest.builder().id(context.requestId()).receivedAt(context.receivedAt()).protocol(Protocol.GRAPHQL)
                .route(context.route()).operation(ApiRequest.UNDECLARED_OPERATION).method(message.method()).path(path)
                .headers(message.headers()).peer(context.peer()).build();
    }

    /**
     * What the request carries, for the attack detectors: each operation's arguments by response key
     * ({@code /account/id}), and the variables as sent, declared or not, under {@code /$variables}
     * (no alias can start with {@code $}). A variable's value is read once, where the client put it.
     */
    private static Map<String, Object> inspectedValues(List<GraphQlHttpRequest> batch, List<GraphQlOperation> operations,
                                                       boolean batched) throws RequestRejectedException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String prefix = batched ? "/" + i : "";
            Set<Object> variableValues = new java.util.HashSet<>();
            if (batch.get(i).variables() != null) {
                try {
                    JsonBodyValues.flatten(batch.get(i).variables()).forEach((pointer, value) -> {
                        values.put(prefix + "/$variables" + pointer, value);
                        variableValues.add(value);
                    });
                } catch (JsonBodyValues.TooComplexException e) {
                    throw new RequestRejectedException(400, GraphQlHttpRequest.REQUEST_INVALID,
                            "The variables hold more values than this API accepts.");
                }
            }
            for (GraphQlRootField selection : operations.get(i).selections()) {
                String key = prefix + "/" + JsonBodyValues.escape(selection.responseKey());
                selection.arguments().forEach((pointer, value) -> {
                    if (!(value instanceof String) || !variableValues.contains(value)) {
                        values.put(key + pointer, value);
                    }
                });
            }
        }
        return values;
    }

    @Override
    public List<ApiRequest> views(ApiRequest request) {
        if (request.attribute(PLAN) == null && ApiRequest.UNDECLARED_OPERATION.equals(request.operation())) {
            return List.of(request);   // one the schema refused (unplanned): judged as an undeclared operation
        }
        Plan plan = plan(request);
        Map<String, Object> shared = new LinkedHashMap<>(request.attributes());
        shared.remove(PLAN);
        List<ApiRequest> views = new ArrayList<>();
        for (GraphQlOperation operation : plan.operations()) {
            for (GraphQlRootField selection : operation.selections()) {
                Map<String, Object> facts = new LinkedHashMap<>(shared);
                facts.put(OPERATION_TYPE, operation.type());
                facts.put(OPERATION_NAME, operation.name());
                facts.put(DEPTH, operation.depth());
                facts.put(COST, plan.cost());
                facts.put(OPERATION_COST, operation.cost());
                facts.put(FIELD_COST, selection.cost());
                facts.put(ALIASES, operation.metrics().aliases());
                facts.put(FIELD_COUNT, operation.metrics().fields());
                facts.put(ROOT_FIELD_COUNT, operation.selections().size());
                facts.put(MAX_DIRECTIVES, operation.metrics().maxDirectives());
                facts.put(MAX_DUPLICATES, operation.metrics().maxDuplicates());
                facts.put(BATCH_SIZE, plan.operations().size());
                facts.put(INTROSPECTION, operation.metrics().introspection());
                facts.put(FIELDS, selection.selectedFields());
                views.add(request.toBuilder()
                        .operation(operationName(selection))
                        .pathParams(objectIds(selection))
                        .body(selection.arguments())
                        .attributes(facts)
                        .build());
            }
        }
        return views;
    }

    /** The names of the objects a root field addresses, as a REST path names them: its scalar arguments. */
    private static Map<String, String> objectIds(GraphQlRootField selection) {
        Map<String, String> ids = new LinkedHashMap<>();
        selection.arguments().forEach((pointer, value) -> {
            if (pointer.indexOf('/', 1) < 0 && value != null) {
                ids.put(pointer.substring(1).replace("~1", "/").replace("~0", "~"), value.toString());
            }
        });
        return ids;
    }

    private String operationName(GraphQlRootField selection) {
        return operationNames.getOrDefault(selection.qualifiedName(), selection.qualifiedName());
    }

    /**
     * A successful answer must be GraphQL's shape, one object per operation (an array for a batch):
     * its views are read at fixed places, and a body the views cannot find their data in is not
     * passed on as if the rules had seen it.
     */
    @Override
    public ApiResponse normalizeResponse(ApiRequest request, HttpResponseMessage response) throws RequestRejectedException {
        JsonNode tree = json.responseTree(response, settings.maxResponseBytes());
        // Any other answer with a body that is not JSON (an error page) would go out unjudged.
        if ((response.status() >= 200 && response.status() < 300 && !answers(plan(request), tree))
                || (tree == null && response.body().length > 0)) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_NOT_GRAPHQL",
                    "The upstream's answer is not a GraphQL response to this request.");
        }
        return new ApiResponse(request, response.status(), response.headers(), JsonBodies.values(tree));
    }

    /**
     * A successful answer has GraphQL's shape: an object, or for a batch an array of one object per
     * operation. The views read their data at fixed places; a body shaped otherwise is not passed
     * on as if the rules had seen it.
     */
    private static boolean answers(Plan plan, JsonNode tree) {
        if (tree == null) {
            return false;
        }
        if (!plan.batched()) {
            return tree.isObject();
        }
        if (!tree.isArray() || tree.size() != plan.operations().size()) {
            return false;
        }
        for (JsonNode answer : tree) {
            if (!answer.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** The operation of the response view that holds what is not data: {@code errors}, {@code extensions}. */
    public static final String RESPONSE_EXTRAS = "GRAPHQL_RESPONSE_EXTRAS";

    @Override
    public List<ResponseView> views(ApiResponse response) {
        Plan plan = plan(response.request());
        List<ApiRequest> requestViews = views(response.request());
        List<ResponseView> views = new ArrayList<>(requestViews.size() + 1);
        List<String> dataPointers = new ArrayList<>();
        int view = 0;
        for (int index = 0; index < plan.operations().size(); index++) {
            for (GraphQlRootField selection : plan.operations().get(index).selections()) {
                String pointer = (plan.batched() ? "/" + index : "") + "/data/" + JsonBodyValues.escape(selection.responseKey());
                dataPointers.add(pointer);
                views.add(new ResponseView(new ApiResponse(requestViews.get(view++), response.status(), response.headers(),
                        below(response.body(), pointer)), pointer));
            }
        }
        // Errors and extensions belong to no root field, but can leak as much (a card number in a
        // message): one more view, for the rules that look at any response (DLP).
        Map<String, Object> extras = new LinkedHashMap<>();
        response.body().forEach((key, value) -> {
            if (dataPointers.stream().noneMatch(pointer -> key.startsWith(pointer + "/") || key.equals(pointer))) {
                extras.put(key, value);
            }
        });
        if (!extras.isEmpty()) {
            ApiRequest whole = response.request().toBuilder().operation(RESPONSE_EXTRAS).build();
            views.add(new ResponseView(new ApiResponse(whole, response.status(), response.headers(), extras), ""));
        }
        return views;
    }

    private static Map<String, Object> below(Map<String, Object> body, String pointer) {
        String prefix = pointer + "/";
        Map<String, Object> part = new LinkedHashMap<>();
        body.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                part.put(key.substring(pointer.length()), value);
            }
        });
        return part;
    }

    @Override
    public HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons,
                                       String message) {
        return refusal(requestId, status, reasons, message);
    }

    @Override
    public HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message) {
        return refusal(request.id(), status, reasons, message);
    }

    private static HttpResponseMessage refusal(String requestId, int status, List<String> reasons, String message) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/json"));
        headers.put("cache-control", List.of("no-store"));
        headers.put(HttpForwarding.REQUEST_ID, List.of(requestId));
        return new HttpResponseMessage(status, headers, GraphQlErrors.render(requestId, reasons, message));
    }

    @Override
    public HttpRequestMessage fulfil(ApiRequest request, HttpRequestMessage forward, List<Obligation> obligations)
            throws ObligationException {
        if (JsonBodies.changesBody(obligations)) {
            throw new ObligationException("fields cannot be redacted or masked in a GraphQL request");
        }
        Plan plan = plan(request);
        if (obligations.isEmpty() && !plan.documentsSubstituted()) {
            return forward;
        }
        boolean byGet = forward.method().equals("GET");
        byte[] body = plan.documentsSubstituted() && !byGet ? withDocuments(forward.body(), plan) : forward.body();
        String rawQuery = plan.documentsSubstituted() && byGet
                ? "query=" + java.net.URLEncoder.encode(plan.documents().get(0), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                        + (forward.rawQuery() == null || forward.rawQuery().isEmpty() ? "" : "&" + forward.rawQuery())
                : forward.rawQuery();
        return new HttpRequestMessage(forward.method(), forward.rawPath(), rawQuery,
                HeaderObligations.apply(forward.headers(), obligations), body);
    }

    /** The request with each registered document written in where the client sent only its hash. */
    private byte[] withDocuments(byte[] body, Plan plan) throws ObligationException {
        JsonNode root;
        try {
            root = json.read(body);
        } catch (JsonBodies.JsonRejected e) {
            throw new ObligationException("a persisted query could not be written into the request (" + e.reason + ")");
        }
        if (root instanceof ArrayNode batch) {
            for (int index = 0; index < batch.size(); index++) {
                ((ObjectNode) batch.get(index)).put("query", plan.documents().get(index));
            }
        } else {
            ((ObjectNode) root).put("query", plan.documents().get(0));
        }
        return json.write(root);
    }

    @Override
    public HttpResponseMessage fulfil(ApiRequest request, HttpResponseMessage response, List<Obligation> obligations)
            throws ObligationException {
        return json.fulfil(response, obligations);
    }

    private static Plan plan(ApiRequest request) {
        if (!(request.attribute(PLAN) instanceof Plan plan)) {
            throw new IllegalStateException("request " + request.id() + " was not read by the GraphQL adapter");
        }
        return plan;
    }
}
