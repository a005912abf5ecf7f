package io.jpatroni.core.rest;

import io.jpatroni.core.config.RestAccessConfig;
import io.jpatroni.core.tls.ServerTls;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The REST API listener (rest-api.md §1): Undertow with one IO thread and a small worker pool,
 * speaking Patroni's HTTP/1.0 dialect with one response per connection.
 */
public final class RestServer {

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);

    static final String SERVER_HEADER = "jpatroni";

    /*
     * Limits against hostile clients (issue 10). Undertow parses on its single IO thread, so a slow
     * or oversized request costs memory and a socket, never a thread; the limits bound that memory.
     *
     * Headers: Python's http.server refuses lines over 64 KiB and more than 100 headers; real
     * clients (HAProxy, patronictl, curl, Kubernetes probes) send well under 1 KiB in < 10 headers.
     * 16 KiB and 64 headers leave room for long Authorization/cookie values, and make the header
     * state of one connection at most ~16 KiB (Undertow's default is 1 MiB: 60 sockets each sending
     * an unfinished 1 MiB header exhausted a 64 MiB heap).
     *
     * Connections: at most 512 open at once (XNIO stops accepting at the high-water mark and
     * resumes below the low one; later clients wait in the listen backlog). 512 x (16 KiB of
     * header state + an 8 KiB read buffer) stays near 12 MiB in the worst case, within the
     * daemon's 64 MiB heap, while 200 slow clients (RestLimitsIT) still leave 300 slots for health
     * checks. Every slot is also freed quickly: a connection must send its whole header within
     * REQUEST_PARSE_TIMEOUT and may idle before its first byte for NO_REQUEST_TIMEOUT.
     */
    static final int MAX_HEADER_SIZE = 16 * 1024;
    static final int MAX_HEADERS = 64;
    static final int MAX_PARAMETERS = 100;
    static final int MAX_COOKIES = 20;
    static final int MAX_CONNECTIONS = 512;
    static final int RESUME_ACCEPTING_BELOW = 448;
    static final int REQUEST_PARSE_TIMEOUT_MS = 3_000;
    static final int NO_REQUEST_TIMEOUT_MS = 5_000;
    /**
     * A read that waits this long closes the connection. Undertow answers some requests itself (an
     * HTTP/1.1 request without Host gets 400) and then drains the announced body before closing:
     * without this, a Content-Length never sent held the connection open for good. Longer than the
     * router's own body wait, so a slow body still gets the router's 408.
     */
    static final int READ_TIMEOUT_MS = 2_500;

    private final String host;
    private final int requestedPort;
    private final Router router;
    private final Optional<ServerTls> tls;
    private RestLimits limits = RestLimits.DEFAULT;
    private Undertow undertow;
    private int port;

    /**
     * The read-only API: health checks and the information endpoints; every write endpoint answers 501.
     *
     * @param host      listen address; {@code ""} or {@code *} = every interface, IPv6 with or without brackets
     * @param port      listen port, 0 = any free port (read it back with {@link #port()})
     * @param basicAuth {@code username:password} required by protected endpoints, if configured
     */
    public RestServer(String host, int port, RestContext context, Optional<String> basicAuth) {
        this(host, port, context, basicAuth, Optional.empty(), Pacer.REAL, Clock.systemUTC());
    }

    /**
     * The full API: also the write endpoints of rest-api.md §6 and §7 (config, switchover,
     * failover, reload, restart, reinitialize), carried out through {@code operations}. The status
     * document then shows the scheduled restart and the pause flag {@code operations} reports.
     */
    public RestServer(String host, int port, RestContext context, Optional<String> basicAuth,
                      NodeOperations operations) {
        this(host, port, context, basicAuth, Optional.of(operations), Pacer.REAL, Clock.systemUTC());
    }

    /**
     * The full API behind the {@code restapi} access rules, over HTTPS when {@code tls} is present
     * (rest-api.md §2): allowlist, client certificates, extra response headers.
     */
    public RestServer(String host, int port, RestContext context, Optional<String> basicAuth,
                      NodeOperations operations, Optional<ServerTls> tls, RestAccessConfig access) {
        this(host, port, context, basicAuth, Optional.of(operations), Pacer.REAL, Clock.systemUTC(), tls, access);
    }

    /** For tests: switchover polling paced by {@code pacer}, schedules checked against {@code clock}. */
    RestServer(String host, int port, RestContext context, Optional<String> basicAuth,
               Optional<NodeOperations> operations, Pacer pacer, Clock clock) {
        this(host, port, context, basicAuth, operations, pacer, clock, Optional.empty(), RestAccessConfig.OPEN);
    }

    /** For tests: any combination of write endpoints, TLS and access rules. */
    RestServer(String host, int port, RestContext context, Optional<String> basicAuth,
               Optional<NodeOperations> operations, Pacer pacer, Clock clock, Optional<ServerTls> tls,
               RestAccessConfig access) {
        this.host = host;
        this.tls = tls;
        this.requestedPort = port;
        RestContext effective = operations.<RestContext>map(ops -> new OperationsAwareContext(context, ops))
                .orElse(context);
        Routes routes = new Routes();
        HealthCheckResource health = new HealthCheckResource(effective);
        List<Resource> resources = new java.util.ArrayList<>(List.of(health, new StatusResource(effective),
                new ClusterResource(effective), new MetricsResource(effective)));
        operations.ifPresent(ops -> resources.addAll(List.of(new ConfigResource(ops),
                new SwitchoverResource(ops, pacer, clock), new OperationsResource(ops, clock))));
        for (Resource resource : resources) {
            resource.register(routes);
        }
        boolean clientCertificates = tls.filter(t -> t.clientAuth() != ServerTls.ClientAuth.NONE).isPresent();
        this.router = new Router(routes, health, new AccessCheck(basicAuth, access, clientCertificates,
                () -> effective.cluster().map(c -> c.members().stream().map(m -> m.apiUrl()).toList())
                        .orElse(List.of())),
                new HttpWire(SERVER_HEADER, Clock.systemUTC(), access.extraHeaders(tls.isPresent())));
    }

    /** restapi.request_queue_size and restapi.thread_pool_size; takes effect at {@link #start()}. */
    public synchronized RestServer limits(RestLimits value) {
        this.limits = java.util.Objects.requireNonNull(value, "limits");
        return this;
    }

    public synchronized void start() {
        if (undertow != null) {
            throw new IllegalStateException("already started");
        }
        String bind = bindAddress(host);
        Undertow server = HttpsListener.add(Undertow.builder(), requestedPort, bind, tls)
                .setIoThreads(1)
                // reads and health checks only: writes run on the router's own pool
                .setWorkerThreads(limits.threadPoolSize())
                .setBufferSize(8 * 1024)
                .setDirectBuffers(false)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_SIZE)
                .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, MAX_PARAMETERS)
                .setServerOption(UndertowOptions.MAX_COOKIES, MAX_COOKIES)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, REQUEST_PARSE_TIMEOUT_MS)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, NO_REQUEST_TIMEOUT_MS)
                .setSocketOption(Options.READ_TIMEOUT, READ_TIMEOUT_MS)
                .setSocketOption(Options.KEEP_ALIVE, true)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setSocketOption(Options.BACKLOG, limits.listenBacklog())
                .setSocketOption(Options.CONNECTION_HIGH_WATER, MAX_CONNECTIONS)
                .setSocketOption(Options.CONNECTION_LOW_WATER, RESUME_ACCEPTING_BELOW)
                .setWorkerOption(Options.WORKER_NAME, "rest")
                .setHandler(router)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            LOG.error("could not start a service on {}:{}, check restapi.listen", host, requestedPort);
            throw e;
        }
        undertow = server;
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        LOG.info("REST API listening on {}:{}{}", bind, port, tls.isPresent() ? " (https)" : "");
    }

    /** The bound port (the real one when 0 was asked for). */
    public synchronized int port() {
        if (undertow == null) {
            throw new IllegalStateException("not started");
        }
        return port;
    }

    /**
     * SIGHUP: new connections use the re-read certificate, key and CA file. Switching TLS on or
     * off, or changing verify_client or ciphers, needs a restart.
     *
     * @return false when the change was not applied
     */
    public boolean reloadTls(Optional<ServerTls> fresh) {
        if (tls.isEmpty() || fresh.isEmpty()) {
            return tls.isEmpty() && fresh.isEmpty();
        }
        return tls.get().reload(fresh.get());
    }

    public synchronized void stop() {
        if (undertow != null) {
            undertow.stop();
            undertow = null;
        }
    }

    static String bindAddress(String host) {
        String h = host == null ? "" : host.trim();
        if (h.isEmpty() || "*".equals(h)) {
            return wildcard();
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            return h.substring(1, h.length() - 1);
        }
        return h;
    }

    /** The IPv6 wildcard serves IPv4 too where the OS allows dual-stack sockets. */
    private static String wildcard() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new InetSocketAddress(java.net.InetAddress.getByName("::"), 0));
            return "::";
        } catch (java.io.IOException e) {
            return "0.0.0.0";
        }
    }
}
