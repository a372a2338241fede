package io.portcullis.soap.cxf;

import io.portcullis.engine.gate.Admission;
import io.portcullis.engine.gate.Gatekeeper;
import io.portcullis.engine.http.HttpResponseMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.io.CachedOutputStream;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Holds back an admitted request's response until it is complete, lets the {@link Gatekeeper}
 * decide it (response rules, obligations, signing), and sends what the gatekeeper returns: the
 * response, secured, or a fault in its place. This also writes the request's one audit event.
 */
final class PortcullisOutInterceptor extends AbstractPhaseInterceptor<Message> {

    private final Gatekeeper gatekeeper;

    PortcullisOutInterceptor(Gatekeeper gatekeeper) {
        super(Phase.PRE_STREAM);
        this.gatekeeper = gatekeeper;
    }

    @Override
    public void handleMessage(Message message) {
        Admission admission = (Admission) message.getExchange().get(PortcullisInInterceptor.ADMISSION);
        OutputStream original = message.getContent(OutputStream.class);
        if (admission == null || original == null || isRequestor(message)) {
            return;
        }
        CachedOutputStream held = new CachedOutputStream();
        message.setContent(OutputStream.class, held);
        message.getInterceptorChain().add(new Release(admission, original, held));
    }

    /** At the end of the chain, when the response is complete. */
    private final class Release extends AbstractPhaseInterceptor<Message> {
        private final Admission admission;
        private final OutputStream original;
        private final CachedOutputStream held;

        Release(Admission admission, OutputStream original, CachedOutputStream held) {
            super(Phase.PRE_STREAM_ENDING);
            this.admission = admission;
            this.original = original;
            this.held = held;
        }

        @Override
        public void handleMessage(Message message) {
            try {
                held.flush();
                byte[] body = held.getBytes();
                held.close();
                Integer code = (Integer) message.get(Message.RESPONSE_CODE);
                int status = code != null ? code : message.getContent(Exception.class) != null ? 500 : 200;
                // The response rules and header obligations see every header the service set.
                @SuppressWarnings("unchecked")
                Map<String, List<String>> serviceHeaders = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
                Map<String, List<String>> headers = new LinkedHashMap<>();
                if (serviceHeaders != null) {
                    serviceHeaders.forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
                }
                Object contentType = message.get(Message.CONTENT_TYPE);
                if (contentType != null) {
                    headers.put("content-type", List.of(String.valueOf(contentType)));
                }
                HttpResponseMessage released = gatekeeper.release(admission, new HttpResponseMessage(status, headers, body));
                message.put(Message.RESPONSE_CODE, released.status());
                String releasedType = released.header("content-type");
                if (releasedType != null) {
                    message.put(Message.CONTENT_TYPE, releasedType);
                }
                @SuppressWarnings("unchecked")
                Map<String, List<String>> protocolHeaders = (Map<String, List<String>>) message.get(Message.PROTOCOL_HEADERS);
                if (protocolHeaders == null) {
                    protocolHeaders = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    message.put(Message.PROTOCOL_HEADERS, protocolHeaders);
                }
                protocolHeaders.clear();
                for (Map.Entry<String, List<String>> header : released.headers().entrySet()) {
                    if (!header.getKey().equals("content-type")) {
                        protocolHeaders.put(header.getKey(), header.getValue());
                    }
                }
                original.write(released.body());
                original.flush();
                message.setContent(OutputStream.class, original);
            } catch (IOException e) {
                throw new Fault(e);
            }
        }
    }
}
