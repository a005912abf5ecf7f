package io.jpatroni.core.rest;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.StreamSinkConduit;

/**
 * The root handler: routes by method and first path segment, falls back to the health check for
 * GET/HEAD/OPTIONS and to 501 for anything else (rest-api.md §1.3).
 *
 * <p>Undertow parses the request; the response is written by us, byte for byte, straight to the
 * socket underneath Undertow's response conduit, and the connection is then closed. That is the
 * only way to emit Patroni's header-less {@code HTTP/1.0 200 OK\r\n\r\n} status-only answers:
 * Undertow's own writer always adds at least {@code Connection} and {@code Content-Length}.
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final long WRITE_TIMEOUT_MS = 10_000;
    private static final int MAX_BODY = 1 << 20;

    private final Routes routes;
    private final HealthCheckResource health;
    private final AccessCheck access;
    private final HttpWire wire;

    Router(Routes routes, HealthCheckResource health, AccessCheck access, HttpWire wire) {
        this.routes = routes;
        this.health = health;
        this.access = access;
        this.wire = wire;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            // handlers may run a status query against PostgreSQL: never on the IO thread
            exchange.dispatch(this);
            return;
        }
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toString();
        RestResponse response;
        try {
            response = respond(exchange, method);
        } catch (RestError e) {
            response = e.response();
        } catch (VirtualMachineError e) {
            io.jpatroni.core.runtime.FatalErrorGuard.report(e); // Undertow would swallow it: PostgreSQL must be stopped
            throw e;
        } catch (Exception e) {
            LOG.warn("Exception while handling {} {}", method, exchange.getRequestPath(), e);
            response = new RestResponse.ErrorPage(500);
        }
        writeAndClose(exchange, wire.encode(response, "HEAD".equals(method)));
        if (LOG.isDebugEnabled()) {
            LOG.debug("API thread: {} - - \"{} {}{} {}\" {} - latency: {} ms", peer(exchange), method,
                    exchange.getRequestPath(), exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString(),
                    exchange.getProtocol(), response.code(),
                    String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - started) / 1e6));
        }
    }

    private RestResponse respond(HttpServerExchange exchange, String method) throws Exception {
        String path = exchange.getRequestPath();
        if (path.isEmpty()) {
            path = "/";
        }
        RestRequest bare = new RestRequest(method, path, RestRequest.parseQuery(exchange.getQueryString()),
                name -> header(exchange, name), Optional.empty(), peer(exchange));
        Optional<Routes.Route> route = routes.find(method, bare.firstSegment());
        if (route.isPresent()) {
            if (route.get().isProtected()) {
                Optional<RestResponse> refusal = access.refuse(bare);
                if (refusal.isPresent()) {
                    return refusal.get();
                }
            }
            return route.get().endpoint().handle(withBody(exchange, bare));
        }
        switch (method) {
            case "GET":
                return health.get(bare);
            case "HEAD":
            case "OPTIONS":
                return health.statusOnly(bare);
            default:
                withBody(exchange, bare); // drained so that closing the socket cannot reset the answer
                return new RestResponse.ErrorPage(501);
        }
    }

    /** Reads exactly Content-Length bytes (rest-api.md §1.4); no header means no body. */
    private static RestRequest withBody(HttpServerExchange exchange, RestRequest request) throws IOException {
        String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        if (length == null || "GET".equals(request.method())) {
            return request;
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return request;
        }
        if (n < 0 || n > MAX_BODY) {
            return request;
        }
        // read straight from the request channel: Undertow's blocking streams would try to answer on close
        StreamSourceChannel channel = exchange.getRequestChannel();
        ByteBuffer buffer = ByteBuffer.allocate((int) n);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_TIMEOUT_MS);
        while (channel != null && buffer.hasRemaining()) {
            int read = channel.read(buffer);
            if (read < 0) {
                break;
            }
            if (read == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("timed out reading the request body");
                }
                channel.awaitReadable(left, TimeUnit.NANOSECONDS);
            }
        }
        byte[] body = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        return new RestRequest(request.method(), request.path(), request.query(), request.header(),
                Optional.of(body), request.peer());
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
