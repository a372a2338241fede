package io.portcullis.camel.component;

import io.netty.handler.codec.http.FullHttpRequest;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ClientCertificate;
import io.portcullis.engine.model.Peer;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;

/**
 * Maps Camel messages to and from the engine's HTTP messages.
 *
 * <p>Request headers are read from the HTTP request itself, not from Camel message headers:
 * Camel's HTTP consumers copy query parameters into message headers, so a query parameter named
 * like a credential or identity header would otherwise pose as one.
 *
 * <p>Headers named like Camel's own ({@code Camel*}, {@code org.apache.camel*}) never enter the
 * model or the forwarded message: Camel components read them as instructions (camel-http takes
 * {@code CamelRestHttpUri} as the URL to call and resolves placeholders in it), so a client that
 * could set one could redirect the upstream call or read the gateway's environment.
 */
final class CamelHttpMessages {

    private CamelHttpMessages() {
    }

    static HttpRequestMessage request(Exchange exchange) {
        Message in = exchange.getIn();
        byte[] body = in.getBody(byte[].class);
        if (in instanceof NettyHttpMessage netty && netty.getHttpRequest() != null) {
            FullHttpRequest request = netty.getHttpRequest();
            String uri = request.uri();
            int question = uri.indexOf('?');
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Map.Entry<String, String> header : request.headers()) {
                if (isCamelHeader(header.getKey())) {
                    continue;
                }
                headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
            }
            return new HttpRequestMessage(request.method().name(), question < 0 ? uri : uri.substring(0, question),
                    question < 0 ? "" : uri.substring(question + 1), headers, body);
        }
        throw new IllegalStateException("portcullis:enforce needs an HTTP request from a netty-http consumer");
    }

    static Peer peer(Exchange exchange) {
        Object remote = exchange.getIn().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS);
        Object session = exchange.getIn().getHeader(NettyConstants.NETTY_SSL_SESSION);
        ClientCertificate certificate = clientCertificate(session);
        boolean secure = session instanceof SSLSession;
        if (remote instanceof InetSocketAddress address && address.getAddress() != null) {
            return new Peer(address.getAddress().getHostAddress(), address.getPort(), certificate, secure);
        }
        return new Peer("", 0, certificate, secure);
    }

    /** The certificate the TLS handshake verified, from the session Camel put on the exchange (never from a client header). */
    private static ClientCertificate clientCertificate(Object session) {
        if (!(session instanceof SSLSession tls)) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = tls.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            return ClientCertificate.of(leaf);
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The upstream's response as the HTTP producer left it on the message. */
    static HttpResponseMessage upstreamResponse(Exchange exchange) {
        Message in = exchange.getIn();
        Integer status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        in.getHeaders().forEach((name, value) -> {
            if (!isCamelHeader(name)) {
                headers.put(name.toLowerCase(Locale.ROOT), values(value));
            }
        });
        return new HttpResponseMessage(status == null ? 502 : status, headers, in.getBody(byte[].class));
    }

    /** Replaces the whole message with an HTTP request for the upstream producer. */
    static void toUpstream(Exchange exchange, HttpRequestMessage forward) {
        Message message = exchange.getIn();
        message.getHeaders().clear();
        forward.headers().forEach((name, values) -> {
            if (!isCamelHeader(name)) {
                message.setHeader(name, values.size() == 1 ? values.get(0) : values);
            }
        });
        message.setHeader(Exchange.HTTP_METHOD, httpMethod(forward.method()));
        message.setHeader(Exchange.HTTP_PATH, forward.rawPath());
        // Only the raw query: given CamelHttpQuery, camel-http's bridge mode skips every header
        // named like a query parameter, so ?x-request-id=1 would strip the gateway's own headers.
        if (!forward.rawQuery().isEmpty()) {
            message.setHeader(Exchange.HTTP_RAW_QUERY, forward.rawQuery());
        }
        message.setBody(forward.body().length == 0 ? null : forward.body());
    }

    /** Replaces the whole message with the response for the client. */
    static void toClient(Exchange exchange, HttpResponseMessage response) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        response.headers().forEach((name, values) -> message.setHeader(name, values.size() == 1 ? values.get(0) : values));
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, response.status());
        message.setBody(response.body());
    }

    /**
     * camel-http reads the method header as its own enum; handing it a String costs a full
     * type-converter search on every request (measured: a large share of the proxy's CPU).
     */
    private static Object httpMethod(String method) {
        try {
            return HttpMethods.valueOf(method);
        } catch (IllegalArgumentException e) {
            return method;
        }
    }

    static boolean isCamelHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("camel") || lower.startsWith("org.apache.camel");
    }

    private static List<String> values(Object value) {
        if (value instanceof Iterable<?> iterable) {
            List<String> values = new ArrayList<>();
            iterable.forEach(v -> values.add(String.valueOf(v)));
            return values;
        }
        return List.of(String.valueOf(value));
    }
}
