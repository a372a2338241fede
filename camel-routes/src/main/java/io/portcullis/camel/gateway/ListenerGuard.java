package io.portcullis.camel.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.portcullis.camel.config.GatewaySettings;
import io.portcullis.engine.gate.RequestIds;
import io.portcullis.engine.http.HttpResponseMessage;
import io.portcullis.engine.net.AddressRange;
import io.portcullis.rest.ProblemDetails;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denial-of-service guards on the listener's connections, before Camel or the gatekeeper see a
 * request: a request must arrive whole within the read timeout, counted from its first line (a
 * client that trickles its headers or body, slowloris, is cut off and holds nothing but its socket:
 * no slot, no worker thread), an idle keep-alive connection is closed after the same time, and so is
 * one whose client does not read its answer; requests in progress (arrived whole, not yet answered)
 * are bounded in all and per client address, and those over the bound are shed at once with 503
 * rather than queued without end; headers over the limit are refused with 431; open connections
 * are bounded in all and per client address, and a connection over the bound is closed as it is
 * accepted (nothing has been read to answer). These
 * refusals happen below the policy engine and have no audit event; they are counted
 * ({@link #counters}, on the admin health endpoint) and logged at most once a minute.
 *
 * <p>Two handlers share each connection's state: {@link #inbound} after the HTTP decoder sees
 * requests arrive, {@link #outbound} after the encoder sees responses leave.
 */
final class ListenerGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerGuard.class);
    private static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf("portcullis.guard");
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final GatewaySettings.Guards limits;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, AtomicInteger> connectionsPerClient = new ConcurrentHashMap<>();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong slowCut = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    ListenerGuard(GatewaySettings.Guards limits) {
        this.limits = limits;
    }

    /** What the guards have done since start, for the health endpoint. */
    Map<String, Long> counters() {
        return Map.of("inProgress", (long) inProgress.get(), "shed", shed.get(), "slowClientsCut", slowCut.get(),
                "headersTooLarge", tooLarge.get(), "connections", (long) connections.get(),
                "connectionsRefused", connectionsRefused.get());
    }

    ChannelHandlerFactory inbound() {
        return factory(this::newInbound);
    }

    ChannelHandlerFactory outbound() {
        return factory(this::newOutbound);
    }

    private static ChannelHandlerFactory factory(java.util.function.Supplier<ChannelHandler> create) {
        return new Factory(create);
    }

    /** Camel asks it for a new handler per connection; it is never in a pipeline itself. */
    private static final class Factory extends io.netty.channel.ChannelHandlerAdapter implements ChannelHandlerFactory {
        private final java.util.function.Supplier<ChannelHandler> create;

        Factory(java.util.function.Supplier<ChannelHandler> create) {
            this.create = create;
        }

        @Override
        public ChannelHandler newChannelHandler() {
            return create.get();
        }
    }

    /**
     * One connection's state. Every event runs on the connection's event loop, so none of it races.
     * A slot is held per request from the moment it has arrived whole until its final answer is
     * written (several with HTTP pipelining); the deadline runs while the connection waits for a
     * request or reads one, and while an answer is being written.
     */
    private final class Connection {
        /** The client's counting key: its address, or its /64 for IPv6. */
        String client;
        boolean counted;
        int held;
        boolean reading;
        boolean refused;
        boolean informational;
        ScheduledFuture<?> deadline;

        void arm(ChannelHandlerContext ctx, String what) {
            cancel();
            deadline = ctx.executor().schedule(() -> {
                slowCut.incrementAndGet();
                note("a client took longer than " + limits.requestReadTimeout().toMillis() + " ms to " + what);
                ctx.channel().close();
            }, limits.requestReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        void releaseOne() {
            if (held > 0) {
                held--;
                inProgress.decrementAndGet();
                if (client != null) {
                    perClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
                }
            }
        }
    }

    private Connection connection(ChannelHandlerContext ctx) {
        Connection connection = ctx.channel().attr(CONNECTION).get();
        if (connection == null) {
            connection = new Connection();
            ctx.channel().attr(CONNECTION).set(connection);
        }
        return connection;
    }

    private ChannelHandler newInbound() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                Connection connection = connection(ctx);
                connection.client = ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
                        ? AddressRange.countingKey(address.getAddress()) : null;
                if (!admit(connection)) {
                    connectionsRefused.incrementAndGet();
                    note("connections over the listener's limit were closed");
                    ctx.channel().close();
                    return;
                }
                connection.arm(ctx, "send a request");
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
                Connection connection = connection(ctx);
                if (connection.refused) {
                    ReferenceCountUtil.release(message);
                    return;
                }
                if (message instanceof HttpRequest request) {
                    if (request.decoderResult().isFailure()) {
                        boolean large = request.decoderResult().cause() instanceof TooLongFrameException;
                        if (large) {
                            tooLarge.incrementAndGet();
                        }
                        refuse(ctx, connection, message, large ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                                : HttpResponseStatus.BAD_REQUEST, large ? "HEADERS_TOO_LARGE" : "MALFORMED_REQUEST",
                                large ? "The request line or headers exceed what this API accepts." : "The request is not valid HTTP.");
                        return;
                    }
                    // Headers and body, from now, within the read timeout.
                    connection.reading = true;
                    connection.arm(ctx, "send a request");
                }
                if (message instanceof LastHttpContent) {
                    connection.reading = false;
                    connection.cancel();
                    // The request is whole: now it becomes work, and takes a slot (a slow body held none).
                    if (!acquire(connection)) {
                        shed.incrementAndGet();
                        note("requests over the listener's limit were shed with 503");
                        refuse(ctx, connection, message, HttpResponseStatus.SERVICE_UNAVAILABLE, "OVERLOADED",
                                "The service is busy; try again shortly.");
                        return;
                    }
                }
                super.channelRead(ctx, message);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                Connection connection = connection(ctx);
                connection.cancel();
                while (connection.held > 0) {
                    connection.releaseOne();
                }
                if (connection.counted) {
                    connection.counted = false;
                    connections.decrementAndGet();
                    if (connection.client != null) {
                        connectionsPerClient.computeIfPresent(connection.client,
                                (address, count) -> count.decrementAndGet() <= 0 ? null : count);
                    }
                }
                super.channelInactive(ctx);
            }
        };
    }

    private ChannelHandler newOutbound() {
        return new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
                Connection connection = connection(ctx);
                if (message instanceof HttpResponse response) {
                    // 100 Continue is no answer: the request goes on and keeps its slot.
                    connection.informational = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
                }
                if (message instanceof LastHttpContent && !connection.informational) {
                    // An answer before the request was read whole (the aggregator's 413 or 417): the rest of the
                    // request would be read with no deadline, so the connection ends with this answer.
                    boolean early = connection.reading;
                    ScheduledFuture<?> writeDeadline = ctx.executor().schedule(() -> {
                        slowCut.incrementAndGet();
                        note("a client took longer than " + limits.requestReadTimeout().toMillis() + " ms to read an answer");
                        ctx.channel().close();
                    }, limits.requestReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    promise.addListener(done -> {
                        writeDeadline.cancel(false);
                        connection.releaseOne();
                        if (early || connection.refused) {
                            ctx.channel().close();
                        } else if (ctx.channel().isActive() && !connection.reading && connection.held == 0) {
                            connection.arm(ctx, "send a request");
                        }
                    });
                }
                super.write(ctx, message, promise);
            }
        };
    }

    private boolean acquire(Connection connection) {
        if (!take(inProgress, limits.maxConcurrentRequests(), perClient, limits.maxConcurrentRequestsPerClient(), connection.client)) {
            return false;
        }
        connection.held++;
        return true;
    }

    private boolean admit(Connection connection) {
        connection.counted = take(connections, limits.maxConnections(), connectionsPerClient, limits.maxConnectionsPerClient(),
                connection.client);
        return connection.counted;
    }

    /** One unit of {@code total} and of {@code client}'s count, or neither when either is at its bound. */
    private static boolean take(AtomicInteger total, int max, Map<String, AtomicInteger> byClient, int maxPerClient,
                                String client) {
        if (total.incrementAndGet() > max) {
            total.decrementAndGet();
            return false;
        }
        if (client != null) {
            boolean[] admitted = {false};
            byClient.compute(client, (address, count) -> {
                AtomicInteger current = count == null ? new AtomicInteger() : count;
                if (current.get() < maxPerClient) {
                    current.incrementAndGet();
                    admitted[0] = true;
                }
                return current.get() == 0 ? null : current;
            });
            if (!admitted[0]) {
                total.decrementAndGet();
                return false;
            }
        }
        return true;
    }

    /**
     * The gateway's problem+json (with a request id for support, though no audit event) and the
     * connection closed: the rest of the request is not read.
     */
    private static void refuse(ChannelHandlerContext ctx, Connection connection, Object message, HttpResponseStatus status,
                               String reason, String detail) {
        ReferenceCountUtil.release(message);
        connection.refused = true;
        connection.cancel();
        HttpResponseMessage problem = ProblemDetails.of(RequestIds.next(), status.code(), List.of(reason), detail);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(problem.body()));
        problem.headers().forEach((name, values) -> response.headers().set(name, values));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, problem.body().length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        }
        // From the tail, so the response encoder (after this handler) encodes it.
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void note(String what) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warn("listener guard: {}; so far {}", what, counters());
        }
    }
}
