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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denial-of-service guards on the listener's connections, before Camel or the gatekeeper see a
 * request: a request must arrive whole within the read timeout, counted from its first line (a
 * client that trickles its headers or body, slowloris, is cut off and holds nothing but its socket:
 * no slot, no worker thread), an idle keep-alive connection is closed after the same time, and so is
 * one whose client does not read its answer; requests in progress (arrived whole, not yet answered)
 * are bounded in all and per client address, and those over the bound are shed at once with 503
 * rather than queued without end (a request's slot is held until its answer is written and its work
 * has ended: a client that resets its connection while its request is worked on does not get the slot
 * back for another, and a request whose client left before its work began is not worked on); headers
 * over the limit are refused with 431; open connections
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

    private final GatewaySettings.Guards limits;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, AtomicInteger> connectionsPerClient = new ConcurrentHashMap<>();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicInteger working = new AtomicInteger();
    private final int ipv6CountingPrefix;
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong leftMidRequest = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong slowCut = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    private final io.portcullis.engine.Occasionally warnings = new io.portcullis.engine.Occasionally(java.time.Duration.ofMinutes(1));

    /** @param ipv6CountingPrefix the network an IPv6 client's connections are counted by */
    ListenerGuard(GatewaySettings.Guards limits, int ipv6CountingPrefix) {
        this.limits = limits;
        this.ipv6CountingPrefix = ipv6CountingPrefix;
    }

    /** What the guards have done since start, for the health endpoint. */
    Map<String, Long> counters() {
        return Map.of("inProgress", (long) inProgress.get(), "working", (long) working.get(),
                "abandonedByClient", abandoned.get(), "leftMidRequest", leftMidRequest.get(), "shed", shed.get(),
                "slowClientsCut", slowCut.get(),
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
     * One request's place in the bounds, from the moment it has arrived whole. Its connection holds
     * it until the final answer is written or the client leaves; its work holds it from when the
     * route takes it up until the route ends. The place is free when neither holds it.
     */
    private final class Slot {
        private final String client;
        private final AtomicInteger holders = new AtomicInteger(1);
        /** Guarded by the connection: a route has taken this request up. */
        private boolean claimed;

        Slot(String client) {
            this.client = client;
        }

        /** Its work holds it still (besides its connection). */
        boolean worked() {
            return claimed && holders.get() > 1;
        }

        /** The work's hold, unless the connection has already let go (the client left first). */
        boolean holdForWork() {
            if (holders.getAndUpdate(count -> count > 0 ? count + 1 : count) == 0) {
                return false;
            }
            working.incrementAndGet();
            return true;
        }

        void workEnded() {
            working.decrementAndGet();
            release();
        }

        void release() {
            if (holders.decrementAndGet() == 0) {
                inProgress.decrementAndGet();
                if (client != null) {
                    perClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
                }
            }
        }
    }

    /**
     * One connection's state. Every event runs on the connection's event loop, so none of it races,
     * except the requests it holds, which the route's worker threads also take up (under the lock).
     * A slot is held per request (several with HTTP pipelining); the deadline runs while the
     * connection waits for a request or reads one, and while an answer is being written.
     */
    private final class Connection {
        /** The client's counting key: its address, or its /64 for IPv6. */
        String client;
        boolean counted;
        /** Oldest first, as HTTP/1.1 answers them. */
        private final java.util.ArrayDeque<Slot> held = new java.util.ArrayDeque<>();
        boolean reading;
        boolean refused;
        boolean informational;
        ScheduledFuture<?> deadline;

        void arm(ChannelHandlerContext ctx, String what) {
            cancel();
            deadline = cutOffAfterTimeout(ctx, what);
        }

        void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        synchronized void hold(Slot slot) {
            held.addLast(slot);
        }

        synchronized boolean holding() {
            return !held.isEmpty();
        }

        /** The answer to the oldest request is written. */
        void releaseOldest() {
            Slot slot;
            synchronized (this) {
                slot = held.pollFirst();
            }
            if (slot != null) {
                slot.release();
            }
        }

        /** The client has gone: what is being worked on keeps its slot until its work ends. */
        void releaseAll() {
            List<Slot> slots;
            synchronized (this) {
                slots = new ArrayList<>(held);
                held.clear();
                abandoned.addAndGet(slots.stream().filter(Slot::worked).count());
            }
            slots.forEach(Slot::release);
        }

        /**
         * The oldest request no route has taken up yet, now held for its work; null when the client has
         * gone. The oldest is the exchange's own because Camel works on one connection's requests in
         * order, and {@link #claimWork} is each route's first step (nothing asynchronous before it).
         */
        synchronized Slot claim() {
            for (Slot slot : held) {
                if (!slot.claimed) {
                    slot.claimed = true;
                    return slot.holdForWork() ? slot : null;
                }
            }
            return null;
        }
    }

    /**
     * For the route, as its first step: takes the exchange's request up as work, holding its slot
     * until the exchange completes. False when its client has gone (the request waited in the workers'
     * queue, or was reset): the route then does no work for it. Requests that did not come through a
     * guarded listener are worked on as they are.
     */
    static boolean claimWork(Exchange exchange) {
        ChannelHandlerContext context = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                ChannelHandlerContext.class);
        if (context == null) {
            return true;
        }
        Connection connection = context.channel().attr(CONNECTION).get();
        if (connection == null) {
            return context.channel().isActive();
        }
        Slot slot = connection.claim();
        if (slot == null) {
            return false;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                slot.workEnded();
            }
        });
        return true;
    }

    /** Closes the connection, counted as a slow client, unless cancelled within the read timeout. */
    private ScheduledFuture<?> cutOffAfterTimeout(ChannelHandlerContext ctx, String what) {
        return ctx.executor().schedule(() -> {
            slowCut.incrementAndGet();
            connection(ctx).reading = false; // cut here, counted as slow: not a client that left
            note("a client took longer than " + limits.requestReadTimeout().toMillis() + " ms to " + what);
            ctx.channel().close();
        }, limits.requestReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
                        ? AddressRange.countingKey(address.getAddress(), ipv6CountingPrefix) : null;
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
                if (connection.reading) {
                    leftMidRequest.incrementAndGet();
                }
                connection.cancel();
                connection.releaseAll();
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
                    ScheduledFuture<?> writeDeadline = cutOffAfterTimeout(ctx, "read an answer");
                    promise.addListener(done -> {
                        writeDeadline.cancel(false);
                        connection.releaseOldest();
                        if (early || connection.refused) {
                            connection.reading = false; // closed by the gateway, answered: not a client that left
                            ctx.channel().close();
                        } else if (ctx.channel().isActive() && !connection.reading && !connection.holding()) {
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
        connection.hold(new Slot(connection.client));
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
        if (warnings.due()) {
            LOG.warn("listener guard: {}; so far {}", what, counters());
        }
    }
}
