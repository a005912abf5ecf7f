package io.jpatroni.testing.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jpatroni.testing.consul.ConsulState.ApiError;
import io.jpatroni.testing.consul.ConsulState.Behavior;
import io.jpatroni.testing.consul.ConsulState.KvEntry;
import io.jpatroni.testing.consul.ConsulState.KvRead;
import io.jpatroni.testing.consul.ConsulState.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for one Consul agent that is also the only server of its datacenter,
 * serving exactly the HTTP endpoints jpatroni's Consul plugin uses, on a free loopback port:
 *
 * <ul>
 *   <li>{@code GET/PUT/DELETE /v1/kv/<key>} with {@code recurse}, {@code keys}, {@code raw},
 *       {@code cas}, {@code acquire}, {@code release}, {@code flags}, blocking queries
 *       ({@code index}, {@code wait}) and the consistency flags ({@code consistent},
 *       {@code stale} are accepted; there is only one server, so all reads are consistent);</li>
 *   <li>{@code PUT /v1/session/create|renew/<id>|destroy/<id>}, {@code GET /v1/session/info/<id>},
 *       {@code GET /v1/session/list}: TTL sessions (invalidated 2 × TTL after the last renewal,
 *       as Consul does), behaviours {@code release}/{@code delete}, lock-delay;</li>
 *   <li>{@code GET /v1/agent/self}, {@code PUT /v1/agent/service/register},
 *       {@code PUT /v1/agent/service/deregister/<id>}, {@code GET /v1/agent/services},
 *       {@code GET /v1/agent/checks}, {@code GET /v1/status/leader}.</li>
 * </ul>
 *
 * Optional ACL token (every request must carry it, else 403) and datacenter name
 * ({@code ?dc=} naming another datacenter answers 500 "No path to datacenter").
 * Fault injection for tests: {@link #stop()}/{@link #start()} (state survives, like a server
 * restart with its raft log) and {@link #freeze()} (connections accepted, nothing answered).
 * Not emulated: health checks are never run (registered checks stay "critical"), no
 * catalog/health/event/txn endpoints, no multi-datacenter, no ACL policies beyond one token.
 */
public final class ConsulEmulator implements AutoCloseable {

    /** Consul's default and maximum blocking-query wait. */
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** Consul's default kv_max_value_size. */
    static final int MAX_VALUE_SIZE = 512 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Settings; the defaults are those of a real agent started with {@code consul agent -dev}. */
    public record Options(Duration sessionTtlMin, String datacenter, String nodeName, Optional<String> aclToken) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), "dc1", "emulator", Optional.empty());
        }

        public Options withSessionTtlMin(Duration min) {
            return new Options(min, datacenter, nodeName, aclToken);
        }

        public Options withAclToken(String token) {
            return new Options(sessionTtlMin, datacenter, nodeName, Optional.of(token));
        }

        public Options withDatacenter(String dc) {
            return new Options(sessionTtlMin, dc, nodeName, aclToken);
        }
    }

    private final Options options;
    private final ConsulState state;
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private int port;
    private HttpServer server;
    private ExecutorService workers;
    private final Object freezeLock = new Object();
    private boolean frozen;

    private ConsulEmulator(Options options) {
        this.options = options;
        this.state = new ConsulState(options.nodeName(), options.sessionTtlMin());
    }

    public static ConsulEmulator launch(Options options) throws IOException {
        ConsulEmulator emulator = new ConsulEmulator(options);
        emulator.bind(0);
        return emulator;
    }

    public static ConsulEmulator launch() throws IOException {
        return launch(Options.defaults());
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>} as written in patroni.yml's {@code consul.host}. */
    public String hostPort() {
        return loopback.getHostAddress() + ":" + port;
    }

    public URI uri() {
        return URI.create("http://" + hostPort());
    }

    public Options options() {
        return options;
    }

    public void setSessionTtlMin(Duration min) {
        state.setSessionTtlMin(min);
    }

    /** Closes the listener and every open connection; the data is kept for {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        workers.shutdownNow();
        state.wakeAll();
        server = null;
        workers = null;
    }

    /** Listens again on the same port after {@link #stop()}. */
    public synchronized void start() throws IOException {
        if (server == null) {
            bind(port);
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** From now on requests are accepted but never answered, until {@link #thaw()}. */
    public void freeze() {
        synchronized (freezeLock) {
            frozen = true;
        }
    }

    public void thaw() {
        synchronized (freezeLock) {
            frozen = false;
            freezeLock.notifyAll();
        }
    }

    /** The agent's registered services: id → the registration as sent (JSON field names). */
    public Map<String, Map<String, Object>> services() {
        return state.services();
    }

    /** Ids of live sessions. */
    public List<String> sessionIds() {
        return state.sessions().stream().map(s -> s.id).toList();
    }

    /** Invalidated sessions in order, each as {@code "<id> ttl"} or {@code "<id> destroyed"}. */
    public List<String> invalidations() {
        return state.invalidations();
    }

    /** The stored bytes of a key (empty array for a key stored without a value). */
    public Optional<byte[]> rawValue(String key) {
        List<KvEntry> entries = state.read(key, false).entries();
        return entries.isEmpty() ? Optional.empty()
                : Optional.of(entries.get(0).value == null ? new byte[0] : entries.get(0).value);
    }

    @Override
    public void close() {
        thaw();
        stop();
        state.close();
    }

    private void bind(int wanted) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(loopback, wanted), 64);
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "consul-emulator-http-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(pool);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        workers = pool;
        port = s.getAddress().getPort();
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!awaitThaw()) {
                return;
            }
            Request request = Request.of(exchange);
            Reply reply;
            try {
                reply = route(request);
            } catch (ApiError e) {
                reply = Reply.text(e.status, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IllegalArgumentException | JsonProcessingException e) {
                reply = Reply.text(400, e.getMessage());
            }
            reply.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
            if (reply.body.length > 0) {
                exchange.getResponseBody().write(reply.body);
            }
        } catch (IOException e) {
            // The client went away (e.g. it gave up on a blocking query): nothing to answer.
        }
    }

    private boolean awaitThaw() {
        synchronized (freezeLock) {
            while (frozen) {
                try {
                    freezeLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private Reply route(Request r) throws InterruptedException, IOException {
        if (r.rawPath.contains("//")) {
            // Go's ServeMux answers unclean paths with a redirect, so a key with a leading slash
            // never reaches Consul's KV store as such.
            Reply redirect = Reply.text(301, "Moved Permanently");
            redirect.headers.put("Location", r.rawPath.replaceAll("/{2,}", "/"));
            return redirect;
        }
        Optional<String> token = options.aclToken();
        if (token.isPresent() && !token.get().equals(r.token())) {
            throw new ApiError(403, "ACL not found");
        }
        String dc = r.query.get("dc");
        if (dc != null && !dc.isEmpty() && !dc.equals(options.datacenter())) {
            throw new ApiError(500, "No path to datacenter");
        }
        String path = r.path;
        if (path.startsWith("/v1/kv/")) {
            String key = path.substring("/v1/kv/".length());
            return switch (r.method) {
                case "GET" -> kvGet(r, key);
                case "PUT" -> kvPut(r, key);
                case "DELETE" -> kvDelete(r, key);
                default -> methodNotAllowed(r);
            };
        }
        if (path.equals("/v1/session/create")) {
            return r.method.equals("PUT") ? sessionCreate(r) : methodNotAllowed(r);
        }
        if (path.startsWith("/v1/session/renew/")) {
            return r.method.equals("PUT") ? sessionRenew(path.substring("/v1/session/renew/".length()))
                    : methodNotAllowed(r);
        }
        if (path.startsWith("/v1/session/destroy/")) {
            return r.method.equals("PUT") ? Reply.json(200, state.destroy(path.substring("/v1/session/destroy/".length())))
                    : methodNotAllowed(r);
        }
        if (path.startsWith("/v1/session/info/") && r.method.equals("GET")) {
            Optional<Session> s = state.session(path.substring("/v1/session/info/".length()));
            return Reply.json(200, s.map(x -> List.of(sessionJson(x))).orElse(List.of()))
                    .index(state.sessionIndex());
        }
        if (path.equals("/v1/session/list") && r.method.equals("GET")) {
            return Reply.json(200, state.sessions().stream().map(this::sessionJson).toList()).index(state.sessionIndex());
        }
        if (path.equals("/v1/agent/self") && r.method.equals("GET")) {
            return agentSelf();
        }
        if (path.equals("/v1/agent/service/register")) {
            return r.method.equals("PUT") ? serviceRegister(r) : methodNotAllowed(r);
        }
        if (path.startsWith("/v1/agent/service/deregister/")) {
            if (!r.method.equals("PUT")) {
                return methodNotAllowed(r);
            }
            String id = path.substring("/v1/agent/service/deregister/".length());
            if (!state.deregisterService(id)) {
                throw new ApiError(404, "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
            }
            return Reply.text(200, "");
        }
        if (path.equals("/v1/agent/services") && r.method.equals("GET")) {
            return agentServices();
        }
        if (path.equals("/v1/agent/checks") && r.method.equals("GET")) {
            return agentChecks();
        }
        if (path.equals("/v1/status/leader") && r.method.equals("GET")) {
            return Reply.json(200, "127.0.0.1:8300");
        }
        return Reply.text(404, "404 page not found");
    }

    private static Reply methodNotAllowed(Request r) {
        return Reply.text(405, "method " + r.method + " not allowed");
    }

    private Reply kvGet(Request r, String key) throws InterruptedException {
        boolean recurse = r.query.containsKey("recurse");
        boolean keysOnly = r.query.containsKey("keys");
        long minIndex = r.query.containsKey("index") ? parseIndex(r.query.get("index")) : 0;
        KvRead read;
        if (minIndex > 0) {
            Duration wait = r.query.containsKey("wait") ? GoDuration.parse(r.query.get("wait")) : DEFAULT_WAIT;
            if (wait.compareTo(MAX_WAIT) > 0 || wait.isZero() || wait.isNegative()) {
                wait = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : DEFAULT_WAIT;
            }
            // Consul spreads wake-ups by adding up to wait/16 of random jitter.
            long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, wait.toNanos() / 16));
            read = state.readBlocking(key, recurse || keysOnly, minIndex, wait.plusNanos(jitter));
        } else {
            read = state.read(key, recurse || keysOnly);
        }
        if (keysOnly) {
            String separator = r.query.get("separator");
            LinkedHashSet<String> keys = new LinkedHashSet<>();
            for (KvEntry e : read.entries()) {
                String k = e.key;
                if (separator != null && !separator.isEmpty()) {
                    int cut = k.indexOf(separator, key.length());
                    if (cut >= 0) {
                        k = k.substring(0, cut + separator.length());
                    }
                }
                keys.add(k);
            }
            return (keys.isEmpty() ? Reply.text(404, "") : Reply.json(200, List.copyOf(keys))).index(read.index());
        }
        if (read.entries().isEmpty()) {
            return Reply.text(404, "").index(read.index());
        }
        if (r.query.containsKey("raw") && !recurse) {
            byte[] value = read.entries().get(0).value;
            Reply raw = new Reply(200, value == null ? new byte[0] : value);
            raw.headers.put("Content-Type", "application/octet-stream");
            return raw.index(read.index());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (KvEntry e : read.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("LockIndex", e.lockIndex);
            m.put("Key", e.key);
            m.put("Flags", e.flags);
            m.put("Value", e.value == null || e.value.length == 0 ? null : Base64.getEncoder().encodeToString(e.value));
            if (e.session != null) {
                m.put("Session", e.session);
            }
            m.put("CreateIndex", e.createIndex);
            m.put("ModifyIndex", e.modifyIndex);
            out.add(m);
        }
        return Reply.json(200, out).index(read.index());
    }

    private Reply kvPut(Request r, String key) {
        if (key.isEmpty()) {
            throw new ApiError(400, "Missing key name");
        }
        if (r.body.length > MAX_VALUE_SIZE) {
            throw new ApiError(413, "Request body(" + r.body.length + " bytes) too large, max size: "
                    + MAX_VALUE_SIZE + " bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.");
        }
        long flags = r.query.containsKey("flags") ? parseIndex(r.query.get("flags")) : 0;
        Long cas = r.query.containsKey("cas") ? parseIndex(r.query.get("cas")) : null;
        String acquire = r.query.get("acquire");
        String release = r.query.get("release");
        return Reply.json(200, state.put(key, r.body.length == 0 ? null : r.body, flags, cas, acquire, release));
    }

    private Reply kvDelete(Request r, String key) {
        boolean recurse = r.query.containsKey("recurse");
        Long cas = r.query.containsKey("cas") ? parseIndex(r.query.get("cas")) : null;
        if (recurse && cas != null) {
            throw new ApiError(400, "Conflicting flags: cas=" + cas + "&recurse");
        }
        return Reply.json(200, state.delete(key, recurse, cas));
    }

    private Reply sessionCreate(Request r) throws IOException {
        JsonNode body = r.body.length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body);
        if (!body.isObject()) {
            throw new ApiError(400, "Request decode failed: body is not a JSON object");
        }
        String behaviorText = text(body, "Behavior").orElse("release");
        Behavior behavior = switch (behaviorText) {
            case "release" -> Behavior.RELEASE;
            case "delete" -> Behavior.DELETE;
            default -> throw new ApiError(500, "Invalid Behavior setting '" + behaviorText + "'");
        };
        Duration ttl = Duration.ZERO;
        Optional<String> ttlText = text(body, "TTL");
        if (ttlText.isPresent() && !ttlText.get().isEmpty()) {
            try {
                ttl = GoDuration.parse(ttlText.get());
            } catch (IllegalArgumentException e) {
                throw new ApiError(500, "Session TTL '" + ttlText.get() + "' invalid: " + e.getMessage());
            }
        }
        Duration lockDelay = Duration.ofSeconds(15);
        JsonNode ld = body.get("LockDelay");
        if (ld != null && !ld.isNull()) {
            if (ld.isNumber()) {
                long v = ld.asLong();
                lockDelay = v < 1000 ? Duration.ofSeconds(v) : Duration.ofNanos(v);
            } else {
                lockDelay = GoDuration.parse(ld.asText());
            }
        }
        List<String> checks = List.of("serfHealth");
        for (String field : List.of("Checks", "NodeChecks")) {
            JsonNode c = body.get(field);
            if (c != null && !c.isNull()) {
                List<String> list = new ArrayList<>();
                c.forEach(x -> list.add(x.asText()));
                checks = list;
            }
        }
        String node = text(body, "Node").orElse(state.nodeName());
        Session s = state.createSession(text(body, "Name").orElse(""), node, ttl, lockDelay, behavior, checks);
        return Reply.json(200, Map.of("ID", s.id));
    }

    private Reply sessionRenew(String id) {
        Optional<Session> s = state.renew(id);
        if (s.isEmpty()) {
            throw new ApiError(404, "Session id '" + id + "' not found");
        }
        return Reply.json(200, List.of(sessionJson(s.get())));
    }

    private Map<String, Object> sessionJson(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id);
        m.put("Name", s.name);
        m.put("Node", s.node);
        m.put("LockDelay", s.lockDelay.toNanos());
        m.put("Behavior", s.behavior.name().toLowerCase(java.util.Locale.ROOT));
        m.put("TTL", s.ttl.isZero() ? "" : GoDuration.format(s.ttl));
        m.put("NodeChecks", s.nodeChecks);
        m.put("ServiceChecks", null);
        m.put("CreateIndex", s.createIndex);
        m.put("ModifyIndex", s.createIndex);
        return m;
    }

    private Reply agentSelf() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Datacenter", options.datacenter());
        config.put("NodeName", options.nodeName());
        config.put("Server", true);
        config.put("Version", "emulator");
        Map<String, Object> debug = new LinkedHashMap<>();
        debug.put("SessionTTLMin", GoDuration.format(state.sessionTtlMin()));
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("Config", config);
        self.put("DebugConfig", debug);
        self.put("Member", Map.of("Name", options.nodeName(), "Addr", "127.0.0.1"));
        return Reply.json(200, self);
    }

    @SuppressWarnings("unchecked")
    private Reply serviceRegister(Request r) throws IOException {
        JsonNode body = JSON.readTree(r.body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : r.body);
        if (!(body instanceof ObjectNode object)) {
            throw new ApiError(400, "Request decode failed: body is not a JSON object");
        }
        String name = text(object, "Name").orElse("");
        if (name.isEmpty()) {
            throw new ApiError(400, "Invalid Service Meta: Missing service name");
        }
        if (!object.hasNonNull("ID")) {
            object.put("ID", name);
        }
        JsonNode check = object.get("Check");
        if (check != null && check.isObject()) {
            boolean active = check.hasNonNull("HTTP") || check.hasNonNull("TCP") || check.hasNonNull("Args");
            if (active && text(check, "Interval").map(i -> GoDuration.parse(i).isZero()).orElse(true)) {
                throw new ApiError(400, "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, or TCP checks");
            }
            text(check, "DeregisterCriticalServiceAfter").ifPresent(GoDuration::parse);
        }
        state.registerService(JSON.convertValue(object, Map.class));
        return Reply.text(200, "");
    }

    private Reply agentServices() {
        Map<String, Object> out = new LinkedHashMap<>();
        state.services().forEach((id, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", id);
            m.put("Service", s.get("Name"));
            m.put("Tags", s.getOrDefault("Tags", List.of()));
            m.put("Address", s.getOrDefault("Address", ""));
            m.put("Port", s.getOrDefault("Port", 0));
            m.put("EnableTagOverride", s.getOrDefault("EnableTagOverride", false));
            m.put("Datacenter", options.datacenter());
            out.put(id, m);
        });
        return Reply.json(200, out);
    }

    private Reply agentChecks() {
        Map<String, Object> out = new LinkedHashMap<>();
        state.services().forEach((id, s) -> {
            if (s.get("Check") instanceof Map<?, ?> check) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("CheckID", "service:" + id);
                m.put("ServiceID", id);
                m.put("ServiceName", s.get("Name"));
                m.put("Status", "critical"); // the emulator never runs checks
                m.put("Definition", check);
                out.put("service:" + id, m);
            }
        });
        return Reply.json(200, out);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static long parseIndex(String text) {
        try {
            return Long.parseUnsignedLong(text == null ? "" : text);
        } catch (NumberFormatException e) {
            throw new ApiError(400, "Invalid number: \"" + text + "\"");
        }
    }

    /** One request: method, percent-decoded path, query parameters, body, token. */
    private record Request(String method, String rawPath, String path, Map<String, String> query, byte[] body,
                           Map<String, List<String>> headers) {

        static Request of(HttpExchange exchange) throws IOException {
            URI uri = exchange.getRequestURI();
            String rawPath = uri.getRawPath();
            Map<String, String> query = new LinkedHashMap<>();
            String rawQuery = uri.getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String k = eq < 0 ? pair : pair.substring(0, eq);
                    String v = eq < 0 ? "" : pair.substring(eq + 1);
                    query.put(percentDecode(k, true), percentDecode(v, true));
                }
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                body = buffer.toByteArray();
            }
            return new Request(exchange.getRequestMethod(), rawPath, percentDecode(rawPath, false), query, body,
                    exchange.getRequestHeaders());
        }

        String token() {
            List<String> header = headers.get("X-consul-token");
            if (header != null && !header.isEmpty()) {
                return header.get(0);
            }
            List<String> auth = headers.get("Authorization");
            if (auth != null && !auth.isEmpty() && auth.get(0).startsWith("Bearer ")) {
                return auth.get(0).substring("Bearer ".length());
            }
            return query.get("token");
        }
    }

    /** %XX decoding to UTF-8; '+' means a space only in query strings. */
    static String percentDecode(String s, boolean query) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 3;
            } else if (c == '+' && query) {
                out.write(' ');
                i++;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A response: status, headers and body. */
    private static final class Reply {
        final int status;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();

        Reply(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        static Reply text(int status, String text) {
            Reply r = new Reply(status, text.getBytes(StandardCharsets.UTF_8));
            r.headers.put("Content-Type", "text/plain; charset=utf-8");
            return r;
        }

        static Reply json(int status, Object value) {
            try {
                Reply r = new Reply(status, JSON.writeValueAsBytes(value));
                r.headers.put("Content-Type", "application/json");
                return r;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        Reply index(long index) {
            headers.put("X-Consul-Index", Long.toString(index));
            headers.put("X-Consul-KnownLeader", "true");
            headers.put("X-Consul-LastContact", "0");
            return this;
        }
    }
}
