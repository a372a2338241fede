package io.portcullis.soap.cxf;

import io.portcullis.engine.gate.Admission;
import io.portcullis.engine.gate.Gatekeeper;
import io.portcullis.engine.http.HttpRequestMessage;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.model.ClientCertificate;
import io.portcullis.engine.model.Peer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.cxf.helpers.IOUtils;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.AbstractHTTPDestination;

/**
 * First thing on a CXF endpoint's inbound chain ({@code RECEIVE}, before CXF parses anything):
 * reads the raw request, lets the {@link Gatekeeper} decide, and either writes the refusal and
 * stops the chain, or hands CXF the message as the gateway would forward it.
 */
final class PortcullisInInterceptor extends AbstractPhaseInterceptor<Message> {

    /** Exchange key of the admission, for {@link PortcullisOutInterceptor}. */
    static final String ADMISSION = PortcullisInInterceptor.class.getName() + ".admission";

    private final Gatekeeper gatekeeper;
    /** Reading stops one byte past the limit: the gatekeeper then refuses the request as too large. */
    private final int maxRead;

    PortcullisInInterceptor(Gatekeeper gatekeeper, int maxRequestBytes) {
        super(Phase.RECEIVE);
        this.gatekeeper = gatekeeper;
        this.maxRead = maxRequestBytes + 1;
    }

    @Override
    public void handleMessage(Message message) {
        if (!isRequestor(message) && message.getExchange().get(ADMISSION) == null) {
            enforce(message);
        }
    }

    private void enforce(Message message) {
        HttpServletRequest http = (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
        HttpServletResponse response = (HttpServletResponse) message.get(AbstractHTTPDestination.HTTP_RESPONSE);
        if (http == null || response == null) {
            throw new Fault(new IllegalStateException("Portcullis enforces SOAP over HTTP only"));
        }
        byte[] body;
        try (InputStream in = message.getContent(InputStream.class)) {
            body = in == null ? new byte[0] : IOUtils.readBytesFromStream(new BoundedInputStream(in, maxRead));
        } catch (IOException e) {
            throw new Fault(e);
        }
        Admission admission = gatekeeper.admit(new HttpRequestMessage(http.getMethod(), http.getRequestURI(),
                http.getQueryString(), headers(http), body), peer(http));
        if (!admission.admitted()) {
            write(response, admission.reply());
            message.getInterceptorChain().abort();
            return;
        }
        message.getExchange().put(ADMISSION, admission);
        HttpRequestMessage forward = admission.forward();
        message.setContent(InputStream.class, new ByteArrayInputStream(forward.body()));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> protocolHeaders = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
        if (protocolHeaders != null) {
            // What the gateway would forward: its identity headers replace whatever the client sent.
            protocolHeaders.clear();
            protocolHeaders.putAll(forward.headers());
        }
        String contentType = forward.header("content-type");
        if (contentType != null) {
            message.put(Message.CONTENT_TYPE, contentType);
        }
        // The body may have been re-serialized as UTF-8 (after decryption); the client's charset no longer applies.
        message.put(Message.ENCODING, java.nio.charset.StandardCharsets.UTF_8.name());
        // A service that reads the servlet request sees the forwarded headers too, not the client's.
        message.put(AbstractHTTPDestination.HTTP_REQUEST, new ForwardedRequest(http, forward.headers()));
    }

    private static Map<String, List<String>> headers(HttpServletRequest http) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : java.util.Collections.list(http.getHeaderNames())) {
            headers.put(name, java.util.Collections.list(http.getHeaders(name)));
        }
        return headers;
    }

    private static Peer peer(HttpServletRequest http) {
        X509Certificate[] chain = (X509Certificate[]) http.getAttribute("jakarta.servlet.request.X509Certificate");
        ClientCertificate certificate = chain == null || chain.length == 0 ? null : ClientCertificate.of(chain[0]);
        return new Peer(http.getRemoteAddr(), http.getRemotePort(), certificate, http.isSecure());
    }

    static void write(HttpServletResponse response, HttpResponseMessage message) {
        try {
            response.setStatus(message.status());
            message.headers().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
            response.setContentLength(message.body().length);
            OutputStream out = response.getOutputStream();
            out.write(message.body());
            out.flush();
        } catch (IOException e) {
            throw new Fault(e);
        }
    }

    /** The servlet request with the headers the gateway forwards (credentials removed, identity set). */
    private static final class ForwardedRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final Map<String, List<String>> headers;

        ForwardedRequest(HttpServletRequest request, Map<String, List<String>> headers) {
            super(request);
            this.headers = headers;
        }

        @Override
        public String getHeader(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return java.util.Collections.enumeration(headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of()));
        }

        @Override
        public java.util.Enumeration<String> getHeaderNames() {
            return java.util.Collections.enumeration(headers.keySet());
        }

        @Override
        public String getContentType() {
            return getHeader("content-type");
        }

        @Override
        public String getCharacterEncoding() {
            return java.nio.charset.StandardCharsets.UTF_8.name();
        }
    }

    /** Stops reading past {@code limit} bytes, so a huge body cannot fill the heap before the size check. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            remaining -= b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            remaining -= Math.max(n, 0);
            return n;
        }
    }
}
