package io.portcullis.rest;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperationMatch;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A REST route's OpenAPI 3 description as its positive security model. Requests are validated by
 * swagger-request-validator against a request-side copy of the document in which read-only
 * properties are not allowed (a client must not set {@code id} or {@code initiatedBy}), and, in
 * strict mode, every object schema that lists its properties and is not composed ({@code allOf} ...)
 * admits no others (mass assignment), whatever {@code additionalProperties} says. Responses are cut to the
 * properties their schema declares, write-only ones removed ({@link ResponseFilter}).
 *
 * <p>Refusals name where the problem is (a body pointer or a parameter name), never the value.
 */
public final class OpenApiContract {

    /** The request breaks the description: a body property, parameter, type or limit. */
    public static final String VIOLATION = "OPENAPI_VIOLATION";
    /** No path of the description matches: a shadow endpoint, recorded in the audit. */
    public static final String PATH_UNDECLARED = "OPENAPI_PATH_UNDECLARED";
    /** The path exists, the method does not. */
    public static final String METHOD_UNDECLARED = "OPENAPI_METHOD_UNDECLARED";
    /** Request fact: the operation is marked deprecated in the description. */
    public static final String DEPRECATED_ATTRIBUTE = "openapi.deprecated";

    private static final Pattern PROPERTY_NAMES = Pattern.compile("\\[(\"[^\\]]*\")\\]");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,64}");

    private final OpenApiInteractionValidator validator;
    private final ApiOperationResolver operations;

    private OpenApiContract(OpenApiInteractionValidator validator, ApiOperationResolver operations) {
        this.validator = validator;
        this.operations = operations;
    }

    /**
     * @param strict objects that list their properties admit no others, whatever
     *               {@code additionalProperties} says (it is set where it is absent)
     * @throws IOException naming the file and the parser's first complaint when it is not valid OpenAPI 3
     */
    public static OpenApiContract load(Path file, boolean strict) throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(Files.readString(file), null, options);
        if (parsed.getOpenAPI() == null || parsed.getOpenAPI().getPaths() == null) {
            throw new IOException(file + " is not an OpenAPI 3 document: "
                    + (parsed.getMessages() == null || parsed.getMessages().isEmpty() ? "no paths" : parsed.getMessages().get(0)));
        }
        if (parsed.getMessages() != null && !parsed.getMessages().isEmpty()) {
            throw new IOException(file + ": " + parsed.getMessages().get(0));
        }
        OpenAPI described = parsed.getOpenAPI();
        OpenAPI requestSide = Json.mapper().convertValue(described, OpenAPI.class);
        tightenRequestBodies(requestSide, strict);
        // An explicit resolver: the default one also reads -Dswagger.* properties and files in the working
        // directory and on the classpath, any of which could silently lower errors to warnings.
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createFor(requestSide)
                .withLevelResolver(com.atlassian.oai.validator.report.LevelResolver.create()
                        .withDefaultLevel(ValidationReport.Level.ERROR)
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                        // Not the library's own closing of every object (it breaks allOf); ours, below.
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                        .withLevel("validation.response", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        return new OpenApiContract(validator, new ApiOperationResolver(described, null, false));
    }

    private static void tightenRequestBodies(OpenAPI api, boolean strict) {
        IdentityHashMap<Schema<?>, Boolean> seen = new IdentityHashMap<>();
        api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                for (MediaType media : operation.getRequestBody().getContent().values()) {
                    tighten(media.getSchema(), strict, seen);
                }
            }
        }));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void tighten(Schema<?> schema, boolean strict, IdentityHashMap<Schema<?>, Boolean> seen) {
        if (schema == null || seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        Map<String, Schema> properties = schema.getProperties();
        if (properties != null) {
            List<String> readOnly = new ArrayList<>();
            properties.forEach((name, property) -> {
                if (Boolean.TRUE.equals(property.getReadOnly())) {
                    readOnly.add(name);
                }
            });
            readOnly.forEach(properties::remove);
            if (schema.getRequired() != null) {
                schema.getRequired().removeAll(readOnly);
            }
            boolean composed = schema.getAllOf() != null || schema.getAnyOf() != null || schema.getOneOf() != null;
            if (strict && !composed) {
                schema.setAdditionalProperties(Boolean.FALSE);
            } else if (!readOnly.isEmpty() && !Boolean.FALSE.equals(schema.getAdditionalProperties())) {
                // The object admits other properties, so the read-only ones are refused by name.
                Schema<?> anyOf = new Schema<>();
                readOnly.forEach(name -> anyOf.addAnyOfItem(new Schema<>().required(List.of(name))));
                schema.setNot(anyOf);
            }
            properties.values().forEach(property -> tighten(property, strict, seen));
        }
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            tighten(values, strict, seen);
        }
        if (schema.getItems() != null) {
            tighten(schema.getItems(), strict, seen);
        }
        for (List<Schema> parts : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (parts != null) {
                parts.forEach(part -> tighten(part, strict, seen));
            }
        }
    }

    /** Request fact: JSON pointers of body properties the description does not accept (undeclared or read-only). */
    public static final String UNDECLARED_PROPERTIES_ATTRIBUTE = "openapi.undeclaredProperties";

    /**
     * @return the JSON pointers of body properties the description does not accept (undeclared or
     *         read-only): rules decide whether the request is refused or they are stripped
     * @param path the raw path, already checked to be canonical: the validator decodes parameters
     *             itself, and must see them as the upstream will
     * @throws RequestRejectedException 404 {@link #PATH_UNDECLARED}, 405 {@link #METHOD_UNDECLARED}, or
     *                                  400 {@link #VIOLATION} naming the first problem's place
     */
    public List<String> check(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
                              String contentType, byte[] body) throws RequestRejectedException {
        Request.Method verb = verb(method);
        SimpleRequest.Builder request = new SimpleRequest.Builder(verb, path);
        query.forEach(request::withQueryParam);
        headers.forEach(request::withHeader);
        if (contentType != null) {
            request.withContentType(contentType);
        }
        if (body.length > 0) {
            request.withBody(body);
        }
        ValidationReport report = validator.validateRequest(request.build());
        List<String> undeclared = new ArrayList<>();
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            List<String> properties = undeclaredProperties(message);
            if (properties == null) {
                throw refusal(message);
            }
            undeclared.addAll(properties);
        }
        return undeclared;
    }

    /** The pointers an "additional properties" message names, or null for any other message or an unsafe name. */
    private static List<String> undeclaredProperties(ValidationReport.Message message) {
        if (!message.getKey().equals("validation.request.body.schema.additionalProperties")) {
            return null;
        }
        Matcher names = PROPERTY_NAMES.matcher(message.getMessage());
        if (!names.find()) {
            return null;
        }
        String pointer = message.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("").replaceAll("/+$", "");
        List<String> pointers = new ArrayList<>();
        for (String quoted : names.group(1).split(",")) {
            String name = quoted.strip().replaceAll("^\"|\"$", "");
            if (!SAFE_NAME.matcher(name).matches()) {
                return null;
            }
            pointers.add(pointer + "/" + io.portcullis.engine.json.JsonBodyValues.escape(name));
        }
        return pointers;
    }

    /** The operation the description has for a request, if any. */
    public Optional<Operation> operation(String method, String path) {
        ApiOperationMatch match = operations.findApiOperation(path, verb(method));
        return match.isPathFound() && match.isOperationAllowed() ? Optional.of(match.getApiOperation().getOperation())
                : Optional.empty();
    }

    /**
     * The schema of an operation's response, by its status (or its range, or {@code default}) and a
     * JSON media type ({@code application/json}, {@code application/*+json}, {@code *}{@code /*});
     * empty when none is described.
     */
    public static Optional<Schema<?>> responseSchema(Operation found, int status) {
        return Optional.of(found).flatMap(operation -> {
            if (operation.getResponses() == null) {
                return Optional.empty();
            }
            ApiResponse response = operation.getResponses().get(String.valueOf(status));
            if (response == null) {
                response = operation.getResponses().get(status / 100 + "XX");
            }
            if (response == null) {
                response = operation.getResponses().getDefault();
            }
            if (response == null || response.getContent() == null) {
                return Optional.empty();
            }
            for (Map.Entry<String, MediaType> content : response.getContent().entrySet()) {
                String type = io.portcullis.engine.http.MediaType.of(content.getKey());
                if (type.equals("application/json") || type.endsWith("+json") || type.equals("*/*") || type.equals("application/*")) {
                    return Optional.<Schema<?>>ofNullable(content.getValue().getSchema());
                }
            }
            return Optional.empty();
        });
    }

    private static Request.Method verb(String method) {
        try {
            return Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Request.Method.TRACE;
        }
    }

    private static RequestRejectedException refusal(ValidationReport.Message message) {
        String key = message.getKey();
        if (key.equals("validation.request.path.missing")) {
            return new RequestRejectedException(404, PATH_UNDECLARED, "This API has no such path.");
        }
        if (key.equals("validation.request.operation.notAllowed")) {
            return new RequestRejectedException(405, METHOD_UNDECLARED, "This API does not take that method on this path.");
        }
        return new RequestRejectedException(400, VIOLATION, place(message) + what(key));
    }

    /** Where: a body pointer, a parameter, or the body as a whole; never a value. */
    private static String place(ValidationReport.Message message) {
        Optional<ValidationReport.MessageContext> context = message.getContext();
        if (context.flatMap(ValidationReport.MessageContext::getParameter).isPresent()) {
            io.swagger.v3.oas.models.parameters.Parameter parameter = context.get().getParameter().get();
            return parameter.getIn() + " parameter '" + parameter.getName() + "' ";
        }
        String pointer = context.flatMap(ValidationReport.MessageContext::getPointers)
                .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("").replaceAll("/+$", "");
        if (message.getKey().startsWith("validation.request.body")) {
            return "body " + (pointer.isEmpty() ? "/" : pointer) + " ";
        }
        return message.getKey().contains(".parameter.") ? "a parameter " : "the request ";
    }

    private static String what(String key) {
        String rule = key.substring(key.lastIndexOf('.') + 1);
        return switch (rule) {
            // Only names the rules cannot be told of (see undeclaredProperties) come here.
            case "additionalProperties" -> "has a property this API does not accept (undeclared or read-only).";
            case "required", "missing" -> "is required.";
            case "type" -> "has the wrong type.";
            case "enum" -> "is not one of the allowed values.";
            case "pattern", "format" -> "is not in the required format.";
            case "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum" -> "is out of range.";
            case "maxLength", "minLength" -> "has the wrong length.";
            case "maxItems", "minItems", "uniqueItems" -> "has the wrong number of items.";
            default -> "does not match the API description.";
        };
    }
}
