package io.jpatroni.core.rest;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSinkConduit;

/**
 * The root handler: routes by method and first path segment, falls back to the health check for
 * GET/HEAD/OPTIONS and to 501 for anything else (rest-api.md §1.3).
 *
 * <p>Undertow parses the request; the response is written by us, byte for byte, straight to the
 * socket underneath Undertow's response conduit, and the connection is then closed. That is the
 * only way to emit Patroni's header-less {@code HTTP/1.0 200 OK\r\n\r\n} status-only answers:
 * Undertow's own writer always adds at least {@code Connection} and {@code Content-Length}.
 *
 * <p>Who does what, so that hostile clients cannot starve health checks:
 * <ul>
 * <li>The IO thread routes, runs the access check, refuses what needs no handler (401/403, 501,
 *     400/413 for a bad Content-Length) without reading any body, and reads accepted bodies
 *     without blocking ({@link BodyReceiver}). A body cut short gets 400, a silent one 408 after
 *     {@link #BODY_WAIT_MILLIS}.</li>
 * <li>GET/HEAD/OPTIONS run on Undertow's worker pool, which nothing else uses.</li>
 * <li>Write endpoints (switchover waits for the outcome, restart waits for PostgreSQL) run on a
 *     separate small pool with a bounded queue; when it is full they get 503 at once.</li>
 * </ul>
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Answers are a few KiB and fit in any socket buffer; only a client that never reads waits this long. */
    private static final long WRITE_TIMEOUT_MS = 5_000;
    static final int MAX_BODY = 1 << 20;
    /** The longest a client may pause while sending a body of at most 1 MiB (issue 10: 1-2 s). */
    static final long BODY_WAIT_MILLIS = 1_500;
    /** Concurrent write operations; each may wait for PostgreSQL or the loop for many seconds. */
    static final int WRITE_THREADS = 2;
    /** Write requests waiting for a thread; more than this is an abuse, answered 503. */
    static final int WRITE_QUEUE = 8;

    private final Routes routes;
    private final HealthCheckResource health;
    private final AccessCheck access;
    private final HttpWire wire;
    private final ThreadPoolExecutor writes;

    Router(Routes routes, HealthCheckResource health, AccessCheck access, HttpWire wire) {
        this.routes = routes;
        this.health = health;
        this.access = access;
        this.wire = wire;
        AtomicInteger n = new AtomicInteger();
        this.writes = new ThreadPoolExecutor(WRITE_THREADS, WRITE_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WRITE_QUEUE), r -> {
                    Thread t = new Thread(r, "rest-write-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // idle threads end, so a stopped server (or one of many in a test JVM) leaves none behind
        this.writes.allowCoreThreadTimeOut(true);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        // Dispatching (to the same IO thread) keeps Undertow from ending the exchange behind our
        // back: from here on we own the connection and close it ourselves.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> route(exchange));
    }

    /** On the IO thread: decide, refuse cheaply, or hand over to a pool. Never blocks. */
    private void route(HttpServerExchange exchange) {
        String method = exchange.getRequestMethod().toString();
        String path = exchange.getRequestPath().isEmpty() ? "/" : exchange.getRequestPath();
        RestRequest bare = new RestRequest(method, path, RestRequest.parseQuery(exchange.getQueryString()),
                name -> header(exchange, name), Optional.empty(), peer(exchange));
        Optional<Routes.Route> route = routes.find(method, bare.firstSegment());
        try {
            if (route.isPresent() && route.get().isProtected()) {
                Optional<RestResponse> refusal = access.refuse(bare,
                        HttpsListener.verifiedClientCertificate(exchange));
                if (refusal.isPresent()) {
                    answerNow(exchange, refusal.get(), method);
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Exception while checking access for {} {}", method, path, e);
            answerNow(exchange, new RestResponse.ErrorPage(500), method);
            return;
        }
        if (isRead(method)) {
            Endpoint endpoint = route.map(Routes.Route::endpoint).orElse(r -> fallback(r, method));
            run(exchange, exchange.getConnection().getWorker(), endpoint, bare);
            return;
        }
        if (route.isEmpty()) {
            answerNow(exchange, new RestResponse.ErrorPage(501), method);
            return;
        }
        Endpoint endpoint = route.get().endpoint();
        String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        if (length == null) {
            run(exchange, writes, endpoint, bare);
            return;
        }
        long n = parseLength(length);
        if (n < 0) {
            answerNow(exchange, new RestResponse.ErrorPage(400), method);
        } else if (n > MAX_BODY) {
            answerNow(exchange, new RestResponse.ErrorPage(413), method);
        } else {
            BodyReceiver.receive(exchange, (int) n, BODY_WAIT_MILLIS,
                    body -> run(exchange, writes, endpoint, withBody(bare, body)),
                    code -> answerNow(exchange, new RestResponse.ErrorPage(code), method));
        }
    }

    private RestResponse fallback(RestRequest request, String method) {
        return "GET".equals(method) ? health.get(request) : health.statusOnly(request);
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** Content-Length as a non-negative number, or -1 when it is not one. */
    static long parseLength(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(t);
    }

    private static RestRequest withBody(RestRequest request, byte[] body) {
        return new RestRequest(request.method(), request.path(), request.query(), request.header(),
                Optional.of(body), request.peer());
    }

    /** Runs the endpoint on {@code pool}, then writes its answer; a full pool is answered 503 at once. */
    private void run(HttpServerExchange exchange, Executor pool, Endpoint endpoint, RestRequest request) {
        try {
            pool.execute(() -> handle(exchange, endpoint, request));
        } catch (RejectedExecutionException e) {
            LOG.warn("REST API busy: refusing {} {} from {}", request.method(), request.path(), request.peer());
            answerNow(exchange, new RestResponse.ErrorPage(503), request.method());
        }
    }

    private void handle(HttpServerExchange exchange, Endpoint endpoint, RestRequest request) {
        long started = System.nanoTime();
        RestResponse response;
        try {
            response = endpoint.handle(request);
        } catch (RestError e) {
            response = e.response();
        } catch (VirtualMachineError e) {
            io.jpatroni.core.runtime.FatalErrorGuard.report(e); // Undertow would swallow it: PostgreSQL must be stopped
            throw e;
        } catch (Exception e) {
            LOG.warn("Exception while handling {} {}", request.method(), request.path(), e);
            response = new RestResponse.ErrorPage(500);
        }
        writeAndClose(exchange, wire.encode(response, "HEAD".equals(request.method())));
        if (LOG.isDebugEnabled()) {
            LOG.debug("API thread: {} - - \"{} {}{} {}\" {} - latency: {} ms", request.peer(), request.method(),
                    exchange.getRequestPath(), exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString(),
                    exchange.getProtocol(), response.code(),
                    String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - started) / 1e6));
        }
    }

    /**
     * On the IO thread: sends a small ready answer without waiting, shuts the write side (the client
     * sees the end of the answer), then drains what the client may still send and closes
     * ({@link ClosingDrain}). An answer that does not fit the socket buffer at once (never seen for
     * these few hundred bytes) is abandoned: the connection is closed.
     */
    private void answerNow(HttpServerExchange exchange, RestResponse response, String method) {
        AbstractServerConnection connection = (AbstractServerConnection) exchange.getConnection();
        StreamSinkConduit sink = connection.getOriginalSinkConduit();
        ByteBuffer buffer = ByteBuffer.wrap(wire.encode(response, "HEAD".equals(method)));
        try {
            while (buffer.hasRemaining()) {
                if (sink.write(buffer) == 0) {
                    LOG.debug("could not send the {} answer to {} at once: closing", response.code(), peer(exchange));
                    IoUtils.safeClose(connection);
                    return;
                }
            }
            if (!sink.flush()) {
                IoUtils.safeClose(connection);
                return;
            }
            sink.terminateWrites();
        } catch (IOException e) {
            LOG.debug("could not send the response to {}: {}", peer(exchange), e.toString());
            IoUtils.safeClose(connection);
            return;
        }
        LOG.debug("API thread: {} - - \"{} {}\" {} (answered before reading any body)", peer(exchange), method,
                exchange.getRequestPath(), response.code());
        ClosingDrain.start(connection);
    }

    private static Optional<String> header(HttpServerExchange exchange, String name) {
        HeaderValues values = exchange.getRequestHeaders().get(new HttpString(name));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    private static String peer(HttpServerExchange exchange) {
        InetSocketAddress address = exchange.getSourceAddress();
        return address == null || address.getAddress() == null ? "" : address.getAddress().getHostAddress();
    }

    /**
     * Writes the response to the raw socket and closes it: the body ends at connection close, as
     * with Patroni's HTTP/1.0 server.
     */
    private static void writeAndClose(HttpServerExchange exchange, byte[] bytes) {
        AbstractServerConnection connection = (AbstractServerConnection) exchange.getConnection();
        StreamSinkConduit sink = connection.getOriginalSinkConduit();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_TIMEOUT_MS);
        try {
            while (buffer.hasRemaining()) {
                if (sink.write(buffer) == 0) {
                    awaitWritable(sink, deadline);
                }
            }
            while (!sink.flush()) {
                awaitWritable(sink, deadline);
            }
            sink.terminateWrites();
        } catch (IOException e) {
            LOG.debug("could not send the response to {}: {}", peer(exchange), e.toString());
        } finally {
            IoUtils.safeClose(connection);
        }
    }

    private static void awaitWritable(StreamSinkConduit sink, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("client does not read the response");
        }
        sink.awaitWritable(left, TimeUnit.NANOSECONDS);
    }
}
