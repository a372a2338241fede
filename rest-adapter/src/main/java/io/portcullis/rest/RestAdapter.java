package io.portcullis.rest;

import io.portcullis.engine.adapter.ObligationException;
import io.portcullis.engine.adapter.ProtocolAdapter;
import io.portcullis.engine.adapter.RequestContext;
import io.portcullis.engine.adapter.RequestRejectedException;
import io.portcullis.engine.http.HeaderObligations;
import io.portcullis.engine.http.CanonicalPath;
import io.portcullis.engine.http.HttpForwarding;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.MediaType;
import io.portcullis.engine.http.QueryString;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.json.JsonBodies;
import io.portcullis.engine.json.JsonBodyValues;
import io.portcullis.engine.model.ApiRequest;
import io.portcullis.engine.model.ApiResponse;
import io.portcullis.engine.model.Obligation;
import io.portcullis.engine.model.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.portcullis.engine.dlp.SensitiveData;
import java.nio.charset.StandardCharsets;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Optional;

/**
 * REST (JSON over HTTP): matches the request against the route's declared operations, decodes
 * path and query strictly, reads JSON bodies within limits into values addressed by JSON pointer,
 * and answers refusals with problem+json.
 */
public final class RestAdapter implements ProtocolAdapter {


    /** The adapter's own record of the described operation a request matched; not a fact rules use. */
    static final String DESCRIBED_OPERATION = "openapi.operation";

    private static final java.util.Set<String> METHOD_OVERRIDE_HEADERS =
            java.util.Set.of("x-http-method-override", "x-http-method", "x-method-override");

    private final RestRouteSettings settings;
    private final List<OperationTemplate> templates;
    private final JsonBodies json;
    private final JsonBodies responses = new JsonBodies(io.portcullis.engine.json.JsonLimits.RESPONSES);

    /** @throws IllegalArgumentException naming the declaration when an operation is malformed */
    public RestAdapter(RestRouteSettings settings) {
        this.settings = settings;
        List<OperationTemplate> parsed = new ArrayList<>();
        settings.operations().forEach(declaration -> parsed.add(OperationTemplate.parse(declaration)));
        parsed.sort(Comparator.comparingInt(OperationTemplate::specificity).reversed());
        this.templates = List.copyOf(parsed);
        this.json = new JsonBodies(settings.jsonLimits());
    }

    @Override
    public Protocol protocol() {
        return Protocol.REST;
    }

    @Override
    public ApiRequest normalize(HttpRequestMessage message, RequestContext context) throws RequestRejectedException {
        List<String> segments = CanonicalPath.segments(message.rawPath());
        Map<String, List<String>> query = QueryString.parse(message.rawQuery());
        refuseMethodOverride(message, query);
        String method = message.method();
        String operation = ApiRequest.UNDECLARED_OPERATION;
        Map<String, String> pathParams = Map.of();
        for (OperationTemplate template : templates) {
            Optional<Map<String, String>> match = template.match(method, segments);
            if (match.isPresent()) {
                operation = template.operation();
                pathParams = match.get();
                break;
            }
        }
        String path = "/" + String.join("/", segments);
        Map<String, Object> body = requestBody(message);
        Map<String, Object> attributes = new java.util.LinkedHashMap<>();
        RequestRejectedException breach = null;
        if (settings.openApi() != null) {
            try {
                List<String> undeclared = settings.openApi().check(method, message.rawPath(), query, message.headers(),
                        message.header("content-type"), message.body());
                if (!undeclared.isEmpty()) {
                    attributes.put(OpenApiContract.UNDECLARED_PROPERTIES_ATTRIBUTE, List.copyOf(undeclared));
                }
            } catch (RequestRejectedException e) {
                breach = e;
            }
            // Found once: the response side reads its schemas from it.
            Optional<io.swagger.v3.oas.models.Operation> described = settings.openApi().operation(method, path);
            described.ifPresent(found -> attributes.put(DESCRIBED_OPERATION, found));
            if (described.map(o -> Boolean.TRUE.equals(o.getDeprecated())).orElse(false)) {
                attributes.put(OpenApiContract.DEPRECATED_ATTRIBUTE, Boolean.TRUE);
            }
        }
        ApiRequest request = ApiRequest.builder()
                .id(context.requestId())
                .receivedAt(context.receivedAt())
                .protocol(Protocol.REST)
                .route(context.route())
                .operation(operation)
                .method(method)
                .path(path)
                .pathParams(pathParams)
                .query(query)
                .headers(message.headers())
                .peer(context.peer())
                .body(body)
                .attributes(attributes)
                .build();
        if (breach != null) {
            // What the description requires names its fields and paths: not for anonymous callers to map.
            throw breach.toldOnlyToAdmittedCallers(request);
        }
        return request;
    }

    /**
     * Frameworks that honour method overrides would run a request the gateway decided as GET as a
     * DELETE; the decision must be about the method that will run, so overrides are refused.
     */
    private static void refuseMethodOverride(HttpRequestMessage message, Map<String, List<String>> query)
            throws RequestRejectedException {
        boolean overrideHeader = message.headers().keySet().stream()
                .map(HttpForwarding::canonical)
                .anyMatch(METHOD_OVERRIDE_HEADERS::contains);
        if (overrideHeader || query.keySet().stream().anyMatch(RestAdapter::namesMethodOverride)) {
            throw new RequestRejectedException(400, "METHOD_OVERRIDE_REFUSED", "Method override is not accepted; send the real method.");
        }
    }

    private Map<String, Object> requestBody(HttpRequestMessage message) throws RequestRejectedException {
        byte[] body = message.body();
        if (body.length == 0) {
            return Map.of();
        }
        if (body.length > settings.maxBodyBytes()) {
            throw new RequestRejectedException(413, "BODY_TOO_LARGE",
                    "The request body exceeds the " + settings.maxBodyBytes() + " bytes this API accepts.");
        }
        if (message.headers().getOrDefault("content-type", List.of()).size() > 1) {
            throw new RequestRejectedException(400, "CONTENT_TYPE_AMBIGUOUS", "Send one Content-Type header.");
        }
        String contentType = message.header("content-type");
        if (contentType == null || !settings.bodyContentTypes().contains(MediaType.of(contentType))) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "This API accepts request bodies of type " + String.join(", ", settings.bodyContentTypes()) + ".");
        }
        if (!JsonBodies.isJson(contentType)) {
            return textBody(contentType, body);
        }
        try {
            return JsonBodyValues.flatten(json.read(body));
        } catch (JsonBodies.JsonRejected e) {
            throw new RequestRejectedException(400, e.reason, e.getMessage());
        } catch (JsonBodyValues.TooComplexException e) {
            throw new RequestRejectedException(400, "JSON_TOO_COMPLEX",
                    "The JSON body has more values or longer names than this API accepts.");
        }
    }

    /**
     * A body that is not JSON is still something the upstream reads: form fields become values by
     * name ({@code /comment}), text and XML one value for the whole body (the pointer {@code ""}), so
     * the detectors and rules see them. Other types (binary) carry no values.
     */
    private static Map<String, Object> textBody(String contentType, byte[] body) throws RequestRejectedException {
        String mediaType = MediaType.of(contentType);
        boolean xml = mediaType.endsWith("/xml") || mediaType.endsWith("+xml");
        boolean form = mediaType.equals("application/x-www-form-urlencoded");
        boolean textual = mediaType.startsWith("text/") || xml;
        if (!textual && !form) {
            return Map.of(); // bytes (a file, an image): no values
        }
        String text = new String(body, charset(contentType));
        requireReadAlike(body, xml);
        if (form) {
            Map<String, List<String>> parsed = QueryString.parse(text);
            if (parsed.keySet().stream().anyMatch(RestAdapter::namesMethodOverride)) {
                throw new RequestRejectedException(400, "METHOD_OVERRIDE_REFUSED", "Method override is not accepted; send the real method.");
            }
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            parsed.forEach((name, values) -> {
                for (int i = 0; i < values.size(); i++) {
                    fields.put("/" + JsonBodyValues.escape(name) + (values.size() > 1 ? "/" + i : ""), values.get(i));
                }
            });
            if (fields.size() > JsonBodyValues.MAX_VALUES) {
                throw new RequestRejectedException(400, "FORM_TOO_COMPLEX", "The form has more fields than this API accepts.");
            }
            return fields;
        }
        return Map.of("", text);
    }

    private static final java.util.regex.Pattern XML_ENCODING =
            java.util.regex.Pattern.compile("^\\s*<\\?xml[^>]{0,200}?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']");

    /**
     * Bytes that an upstream sniffing them would read in another charset than the label: NUL bytes
     * and UTF-16 byte-order marks (UTF-16 or UTF-32 text), and for XML a start that is not ASCII
     * (EBCDIC, which XML parsers detect) or a declared encoding whose ASCII is not ASCII.
     */
    private static void requireReadAlike(byte[] body, boolean xml) throws RequestRejectedException {
        boolean utf16Mark = body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
        boolean nul = false;
        for (byte b : body) {
            if (b == 0) {
                nul = true;
                break;
            }
        }
        boolean foreignXml = false;
        if (xml && !utf16Mark && !nul) {
            int at = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
            while (at < body.length && (body[at] == ' ' || body[at] == '\t' || body[at] == '\r' || body[at] == '\n')) {
                at++;
            }
            foreignXml = at < body.length && body[at] != '<';
            java.util.regex.Matcher declared = XML_ENCODING.matcher(
                    new String(body, at, Math.min(body.length - at, 256), java.nio.charset.StandardCharsets.ISO_8859_1));
            if (!foreignXml && declared.find()) {
                try {
                    foreignXml = !readsAsciiAsAscii(java.nio.charset.Charset.forName(declared.group(1)));
                } catch (IllegalArgumentException unknown) {
                    foreignXml = true;
                }
            }
        }
        if (utf16Mark || nul || foreignXml) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE", TEXT_CHARSETS);
        }
    }

    /**
     * {@code _method}, and the names PHP turns into it (it drops leading spaces and reads {@code .},
     * space and {@code [} as {@code _}: {@code " _method"}, {@code ".method"}), in any case.
     */
    private static boolean namesMethodOverride(String name) {
        String normalized = name.stripLeading().toLowerCase(java.util.Locale.ROOT).replace('.', '_').replace(' ', '_').replace('[', '_');
        return normalized.equals("_method");
    }

    /**
     * The body's declared charset; UTF-8 when none is declared. Only charsets in which the ASCII
     * bytes are ASCII are read: an upstream that ignores the label (many read UTF-8 whatever it says)
     * then sees every ASCII character where the detectors saw it. Under a label like UTF-16 or
     * EBCDIC the detectors would read other text than such an upstream, and under a multi-byte legacy
     * charset (Shift_JIS, GBK) a lead byte would hide the ASCII letter after it from them.
     */
    private static java.nio.charset.Charset charset(String contentType) throws RequestRejectedException {
        java.nio.charset.Charset charset;
        try {
            charset = MediaType.charset(contentType);
        } catch (IllegalArgumentException e) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE", "The body's charset is not one this API reads.");
        }
        if (!readsAsciiAsAscii(charset)) {
            throw new RequestRejectedException(415, "UNSUPPORTED_MEDIA_TYPE", TEXT_CHARSETS);
        }
        return charset;
    }

    /**
     * The answer as the client may read it: in its declared charset where ASCII bytes are ASCII in
     * it (UTF-8 when none is declared); otherwise (UTF-16, EBCDIC, an unknown label), and for a body
     * holding NUL bytes (UTF-16 or UTF-32 with or without a label or mark), in its label's charset
     * and also one character per byte with the NULs left out: whichever way a client reads it, its
     * digits are digits in one of the two.
     */
    private static String searchableText(byte[] body, String contentType) {
        boolean nul = false;
        for (byte b : body) {
            if (b == 0) {
                nul = true;
                break;
            }
        }
        Charset declared;
        try {
            declared = MediaType.charset(contentType);
        } catch (IllegalArgumentException unknown) {
            declared = null;
        }
        if (!nul && declared != null && readsAsciiAsAscii(declared)) {
            return new String(body, declared); // UTF-8 without a label: its decoder never swallows an ASCII byte
        }
        byte[] withoutNul = new byte[body.length];
        int length = 0;
        for (byte b : body) {
            if (b != 0) {
                withoutNul[length++] = b;
            }
        }
        String bytewise = new String(withoutNul, 0, length, StandardCharsets.ISO_8859_1);
        return declared == null ? bytewise : new String(body, declared) + "\n" + bytewise;
    }

    /** Overlap between slices: longer than any card number, IBAN or SSN as written. */
    private static final int SLICE_OVERLAP = 64;

    private static Map<String, Object> textSlices(String text) {
        int slice = SensitiveData.SEARCHED_CHARS - SLICE_OVERLAP;
        if (text.length() <= SensitiveData.SEARCHED_CHARS) {
            return Map.of("/", text);
        }
        Map<String, Object> slices = new java.util.LinkedHashMap<>();
        for (int start = 0, index = 0; start < text.length(); start += slice, index++) {
            slices.put(index == 0 ? "/" : "/" + index,
                    text.substring(start, Math.min(text.length(), start + SensitiveData.SEARCHED_CHARS)));
        }
        return slices;
    }

    private static final String TEXT_CHARSETS =
            "Text bodies are read in UTF-8, US-ASCII or a single-byte charset such as ISO-8859-1; send the body in one of them.";
    private static final byte[] ASCII = asciiBytes();
    private static final String ASCII_TEXT = new String(ASCII, java.nio.charset.StandardCharsets.US_ASCII);

    static boolean readsAsciiAsAscii(java.nio.charset.Charset charset) {
        if (charset.equals(java.nio.charset.StandardCharsets.UTF_8)) {
            return true;
        }
        return charset.canEncode() && charset.newEncoder().maxBytesPerChar() == 1.0f
                && new String(ASCII, charset).equals(ASCII_TEXT);
    }

    private static byte[] asciiBytes() {
        byte[] ascii = new byte[128];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) i;
        }
        return ascii;
    }

    @Override
    public ApiResponse normalizeResponse(ApiRequest request, HttpResponseMessage response) throws RequestRejectedException {
        var schema = settings.openApi() == null || response.body().length == 0
                ? Optional.<io.swagger.v3.oas.models.media.Schema<?>>empty() : responseSchema(request, response.status());
        if (settings.openApi() != null && response.status() >= 200 && response.status() < 300 && response.body().length > 0
                && schema.isEmpty()) {
            // What the description does not describe cannot be cut to it: withheld, not passed whole.
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_UNDESCRIBED",
                    "The upstream's answer is not one this API describes.");
        }
        if (schema.isPresent()) {
            // The rules judge the answer as the client will get it: cut to its schema. A secret in a
            // field the cut removes does not withhold the answer, and one in a declared field does.
            Cut cut = cut(response, schema.get());
            return new ApiResponse(request, response.status(), response.headers(), JsonBodies.values(cut.tree()))
                    .withRemovedSensitiveData(sensitiveDataRemoved(request, cut.removed()));
        }
        if (response.body().length > 0 && !JsonBodies.isJson(response.header("content-type"))) {
            if (response.body().length > settings.maxResponseBytes()) {
                throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_TOO_LARGE",
                        "The upstream's response is larger than this API may return.");
            }
            // Any other body (text, XML, a script, bytes with or without a type) is searched for
            // sensitive data whole, in slices the search reads whole that overlap by more than a
            // card number; a rule that masks it withholds it. What is not searched would pass unseen.
            return new ApiResponse(request, response.status(), response.headers(),
                    textSlices(searchableText(response.body(), response.header("content-type"))));
        }
        return new ApiResponse(request, response.status(), response.headers(),
                responses.responseValues(response, settings.maxResponseBytes()));
    }

    @Override
    public HttpResponseMessage refusal(String requestId, HttpRequestMessage refused, int status, List<String> reasons,
                                       String message) {
        return ProblemDetails.of(requestId, status, reasons, message);
    }

    @Override
    public HttpResponseMessage refusal(ApiRequest request, int status, List<String> reasons, String message) {
        return ProblemDetails.of(request.id(), status, reasons, message);
    }

    @Override
    public HttpRequestMessage fulfil(ApiRequest request, HttpRequestMessage forward, List<Obligation> obligations)
            throws ObligationException {
        // Properties the description does not accept go upstream only stripped: a rule pack that
        // neither refuses nor strips them fails closed here.
        for (Object pointer : request.attributeValues(OpenApiContract.UNDECLARED_PROPERTIES_ATTRIBUTE)) {
            if (obligations.stream().noneMatch(o -> o instanceof Obligation.RedactField field && field.pointer().equals(pointer))) {
                throw new ObligationException("the body property " + pointer + " is not in the API description and no rule stripped it");
            }
        }
        if (obligations.isEmpty()) {
            return forward;
        }
        return new HttpRequestMessage(forward.method(), forward.rawPath(), forward.rawQuery(),
                HeaderObligations.apply(forward.headers(), obligations), json.redact(forward.body(), forward.header("content-type"), obligations));
    }

    @Override
    public HttpResponseMessage fulfil(ApiRequest request, HttpResponseMessage response, List<Obligation> obligations)
            throws ObligationException {
        var schema = settings.openApi() == null || response.body().length == 0 ? Optional.<io.swagger.v3.oas.models.media.Schema<?>>empty()
                : responseSchema(request, response.status());
        if (schema.isEmpty()) {
            return responses.fulfil(response, obligations);
        }
        // Cut to what the route's OpenAPI description declares, and redacted and masked, in one parse.
        Cut cut;
        try {
            cut = cut(response, schema.get());
        } catch (RequestRejectedException e) {
            throw new ObligationException(e.getMessage());
        }
        boolean edited = JsonBodies.changesBody(obligations);
        if (edited) {
            JsonBodies.edit(cut.tree(), obligations);
        }
        return new HttpResponseMessage(response.status(), HeaderObligations.apply(response.headers(), obligations),
                !cut.removed().isEmpty() || edited ? responses.write(cut.tree()) : response.body());
    }

    /** An answer's tree cut to its schema, and what the cut removed (by JSON pointer). */
    private record Cut(com.fasterxml.jackson.databind.JsonNode tree, Map<String, com.fasterxml.jackson.databind.JsonNode> removed) {
    }

    /** When the removed fields of each operation's answers were last searched (operations are declared: bounded). */
    private final Map<String, io.portcullis.engine.Occasionally> leaksSearched = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Sensitive data in fields the cut removed never reaches the client or the rules, but the
     * upstream still exposes it: found here for the audit event, so the team that owns the upstream
     * learns of it. Searched at most once a minute per operation, whatever the search finds: an
     * upstream whose answers carry undeclared fields must not cost a search per request.
     */
    private List<io.portcullis.engine.dlp.SensitiveData.Found> sensitiveDataRemoved(
            ApiRequest request, Map<String, com.fasterxml.jackson.databind.JsonNode> removed) throws RequestRejectedException {
        if (removed.isEmpty()) {
            return List.of();
        }
        if (!leaksSearched.computeIfAbsent(request.operation(),
                operation -> new io.portcullis.engine.Occasionally(java.time.Duration.ofMinutes(1))).due()) {
            return List.of();
        }
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field : removed.entrySet()) {
            // A scalar field's own value is read at "/": its pointer is the field's.
            JsonBodies.values(field.getValue()).forEach((pointer, value) ->
                    values.put(pointer.equals("/") ? field.getKey() : field.getKey() + pointer, value));
        }
        return io.portcullis.engine.dlp.SensitiveData.scan(values);
    }

    /**
     * The answer cut to its schema, the same way for the rules ({@link #normalizeResponse}) and for
     * the client ({@link #fulfil(ApiRequest, HttpResponseMessage, List)}).
     *
     * @throws RequestRejectedException 502 when the answer is not JSON, too large, malformed or not
     *                                  shaped as its schema says
     */
    private Cut cut(HttpResponseMessage response, io.swagger.v3.oas.models.media.Schema<?> schema) throws RequestRejectedException {
        if (!JsonBodies.isJson(response.header("content-type"))) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_UNDESCRIBED", "The upstream answered "
                    + MediaType.of(response.header("content-type")) + " where the description declares JSON.");
        }
        com.fasterxml.jackson.databind.JsonNode tree = responses.responseTree(response, settings.maxResponseBytes());
        if (!ResponseFilter.shapeMatches(tree, schema)) {
            throw new RequestRejectedException(502, "UPSTREAM_RESPONSE_UNDESCRIBED",
                    "The upstream's answer is not shaped as this API describes.");
        }
        return new Cut(tree, ResponseFilter.filter(tree, schema));
    }

    /** The description's schema for an answer to the request, from the operation found when it was read. */
    private static Optional<io.swagger.v3.oas.models.media.Schema<?>> responseSchema(ApiRequest request, int status) {
        return request.attribute(DESCRIBED_OPERATION) instanceof io.swagger.v3.oas.models.Operation operation
                ? OpenApiContract.responseSchema(operation, status) : Optional.empty();
    }

}
