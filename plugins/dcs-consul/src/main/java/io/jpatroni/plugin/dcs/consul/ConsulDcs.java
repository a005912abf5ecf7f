package io.jpatroni.plugin.dcs.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.Member;
import io.jpatroni.api.dcs.support.Deadline;
import io.jpatroni.api.dcs.support.WakeSignal;
import io.jpatroni.plugin.dcs.consul.ConsulHttp.Method;
import io.jpatroni.plugin.dcs.consul.ConsulHttp.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's keys in Consul's KV store through its HTTP API (dcs.md §3, §4.2).
 *
 * <p>Keys live under {@code <namespace>/<scope>/} <em>without</em> a leading slash. One session per
 * process (name {@code <scope>-<name>}, TTL = ttl/2, lock-delay 1 ms, behaviour delete) holds
 * this node's {@code members/<name>} key and, while it has the lock, the {@code leader} key,
 * both taken with {@code ?acquire=}; when Consul invalidates the session (2 × its TTL after the
 * last renewal, i.e. ≈ ttl) it deletes both keys together. Every request is retried until
 * {@code retry_timeout} has passed and then fails with {@link DcsException}.
 */
public final class ConsulDcs implements Dcs {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulDcs.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CRITICAL_WRITE_BUDGET = Duration.ofSeconds(1);
    private static final Duration REACQUIRE_BUDGET = Duration.ofMillis(500);
    private static final Duration MIN_BLOCKING_WAIT = Duration.ofSeconds(1);
    private static final Duration LOCK_DELAY = Duration.ofMillis(1);
    private static final Pattern TTL_RANGE = Pattern.compile("must be between \\[([^=\\]]+)=");
    private static final byte[] NO_BODY = new byte[0];

    private final ConsulDcsConfig config;
    private final String basePath;
    private final String scope;
    private final String memberName;
    private final ConsulHttp http;
    private final WakeSignal wake = new WakeSignal();

    private volatile DcsTiming timing;
    private volatile boolean ttlChanged;
    private volatile boolean holdsLock;
    private volatile WrittenMember lastMember;
    private volatile ServiceAction lastServiceAction;
    private final Set<String> loggedServiceWarnings = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // Session state, guarded by sessionLock.
    private final Object sessionLock = new Object();
    private String sessionId;
    private long lastRenewNanos;
    /** The agent's minimum session TTL once Consul refused ours; zero until then. */
    private Duration sessionTtlFloor = Duration.ZERO;
    private volatile boolean renewDue; // set by watch() without the lock: it never waits on the network

    /** The member key as last written: skip the write while neither value nor session changed. */
    private record WrittenMember(String json, String session) {
    }

    /** Consul refused a write because the session it names does not exist (any more). */
    private static final class InvalidSession extends DcsException {
        InvalidSession(String message) {
            super(message);
        }
    }

    public ConsulDcs(ConsulDcsConfig config, DcsSettings settings) throws DcsException {
        this.config = config;
        // Consul keeps Patroni's path without the leading slash (dcs.md §1).
        this.basePath = settings.basePath().substring(1);
        this.scope = settings.scope();
        this.memberName = settings.memberName();
        this.timing = settings.timing();
        this.http = new ConsulHttp(config);
        LOG.info("Consul at {} for {} (member {})", config.endpoint(), basePath, memberName);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Cluster getCluster() throws DcsException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("recurse", null);
        config.consistency().flag().ifPresent(f -> query.put(f, null));
        Response r = call("get_cluster", Method.GET, kvPath(""), query, null, deadline());
        List<KeyLayout.Node> nodes = new ArrayList<>();
        if (r.status() != 404) {
            expectOk("get_cluster", r);
            for (JsonNode entry : parseArray("get_cluster", r)) {
                String key = entry.path("Key").asText("");
                if (!key.startsWith(basePath)) {
                    continue;
                }
                JsonNode session = entry.get("Session");
                nodes.add(new KeyLayout.Node(key.substring(basePath.length()), value(entry),
                        entry.path("ModifyIndex").asLong(), session == null || session.isNull() ? null : session.asText()));
            }
        }
        Cluster cluster = KeyLayout.assemble(nodes);
        WrittenMember written = lastMember;
        if (written != null) {
            Optional<Member> stored = cluster.member(memberName);
            if (stored.isEmpty() || !written.json().equals(stored.get().value())
                    || !written.session().equals(stored.get().session())) {
                lastMember = null; // gone or changed behind our back: write it again next time
            }
        }
        return cluster;
    }

    private static String value(JsonNode entry) {
        JsonNode v = entry.get("Value");
        if (v == null || v.isNull()) {
            return "";
        }
        return new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- leader lock

    @Override
    public boolean attemptToAcquireLeader() throws DcsException {
        Deadline deadline = deadline();
        String session = session(deadline, false);
        deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "attempt_to_acquire_leader");
        boolean acquired;
        try {
            acquired = acquire("attempt_to_acquire_leader", KeyLayout.LEADER, memberName, session, deadline);
        } catch (InvalidSession e) {
            forgetSession(session);
            deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "attempt_to_acquire_leader");
            LOG.info("Consul session {} is gone; creating a new one to acquire the leader lock", session);
            acquired = acquire("attempt_to_acquire_leader", KeyLayout.LEADER, memberName, session(deadline, false),
                    deadline);
        }
        if (!acquired) {
            LOG.info("Could not take out TTL lock");
        }
        holdsLock = acquired;
        return acquired;
    }

    @Override
    public boolean updateLeader(Leader current) throws DcsException {
        if (current != null && !current.name().equals(memberName)) {
            // Never touch someone else's lock, whatever the caller believes.
            holdsLock = false;
            return false;
        }
        Deadline deadline = deadline();
        String session = session(deadline, true);
        if (current != null && session.equals(current.session())) {
            // The renewal of the session the key is bound to is the update.
            holdsLock = true;
            return true;
        }
        // The key is bound to an old session of mine (ttl changed, session expired and recreated):
        // remove that binding and take the lock again with the current session.
        deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "update_leader");
        // A CAS delete only proves the key did not change since it was read, not whose it is:
        // read it now and delete it only if it still carries my name, at the index just read.
        Response read = call("update_leader", Method.GET, kvPath(KeyLayout.LEADER), Map.of(), null, deadline);
        if (read.status() != 404) {
            expectOk("update_leader", read);
            JsonNode entry = parseArray("update_leader", read).get(0);
            if (entry == null || !memberName.equals(value(entry))) {
                LOG.warn("update_leader: the leader key now belongs to {}", entry == null ? "?" : value(entry));
                holdsLock = false;
                return false;
            }
            Response r = call("update_leader", Method.DELETE, kvPath(KeyLayout.LEADER),
                    Map.of("cas", Long.toString(entry.path("ModifyIndex").asLong())), null, deadline);
            expectOk("update_leader", r);
        }
        deadline.requireAtLeast(REACQUIRE_BUDGET, "update_leader");
        boolean acquired;
        try {
            acquired = acquire("update_leader", KeyLayout.LEADER, memberName, session, deadline);
        } catch (InvalidSession e) {
            forgetSession(session);
            acquired = false;
        }
        if (!acquired) {
            LOG.warn("update_leader: the leader lock could not be taken again with session {}", session);
        }
        holdsLock = acquired;
        return acquired;
    }

    @Override
    public boolean deleteLeader(Leader current) {
        if (current == null || !current.name().equals(memberName)) {
            return false;
        }
        try {
            Deadline deadline = deadline();
            // Consul answers true to a CAS delete of a missing key; look first so that "true"
            // means "my lock was there and is gone now".
            Response read = call("delete_leader", Method.GET, kvPath(KeyLayout.LEADER), Map.of(), null, deadline);
            if (read.status() == 404) {
                return false;
            }
            expectOk("delete_leader", read);
            Response r = call("delete_leader", Method.DELETE, kvPath(KeyLayout.LEADER),
                    Map.of("cas", Long.toString(current.version())), null, deadline);
            boolean deleted = bool("delete_leader", r);
            if (deleted) {
                holdsLock = false;
            }
            return deleted;
        } catch (DcsException e) {
            LOG.error("Failed to delete the leader key: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean takeLeader() {
        try {
            Deadline deadline = deadline();
            String session = session(deadline, false);
            boolean acquired;
            try {
                acquired = acquire("take_leader", KeyLayout.LEADER, memberName, session, deadline);
            } catch (InvalidSession e) {
                forgetSession(session);
                acquired = acquire("take_leader", KeyLayout.LEADER, memberName, session(deadline, false), deadline);
            }
            holdsLock = acquired;
            return acquired;
        } catch (DcsException e) {
            LOG.error("Failed to write the leader key: {}", e.getMessage());
            return false;
        }
    }

    /** {@code PUT ?acquire=<session>}: true if the key is (now) held by this session. */
    private boolean acquire(String what, String relativeKey, String value, String session, Deadline deadline)
            throws DcsException {
        Response r = call(what, Method.PUT, kvPath(relativeKey), Map.of("acquire", session),
                value.getBytes(StandardCharsets.UTF_8), deadline);
        if (r.status() == 500 && r.text().toLowerCase(java.util.Locale.ROOT).contains("invalid session")) {
            throw new InvalidSession(what + ": Consul does not know session " + session);
        }
        return bool(what, r);
    }

    // ---------------------------------------------------------------- member key and session

    @Override
    public boolean touchMember(String json) {
        boolean written;
        try {
            Deadline deadline = deadline();
            String session = session(deadline, false);
            WrittenMember last = lastMember;
            if (last != null && last.session().equals(session) && last.json().equals(json)) {
                written = true;
            } else {
                written = writeMember(json, session, deadline);
            }
        } catch (DcsException e) {
            lastMember = null;
            LOG.error("Failed to update member key: {}", e.getMessage());
            return false;
        }
        if (written && config.registerService()) {
            updateService(json);
        }
        return written;
    }

    private boolean writeMember(String json, String session, Deadline deadline) throws DcsException {
        String key = KeyLayout.MEMBERS + memberName;
        String current = session;
        for (int round = 0; round < 2; round++) {
            try {
                if (acquire("touch_member", key, json, current, deadline)) {
                    lastMember = new WrittenMember(json, current);
                    return true;
                }
                // Held by another session (an old one of mine): delete it, then take it with mine.
                LOG.info("members/{} is held by another session; deleting it to take it with session {}", memberName,
                        current);
                expectOk("touch_member", call("touch_member", Method.DELETE, kvPath(key), Map.of(), null, deadline));
                if (acquire("touch_member", key, json, current, deadline)) {
                    lastMember = new WrittenMember(json, current);
                    return true;
                }
                return false;
            } catch (InvalidSession e) {
                forgetSession(current);
                current = session(deadline, false);
            }
        }
        return false;
    }

    /**
     * My session, created when there is none; renewed when forced, when the HA loop slept since
     * the last renewal, or when {@code loop_wait} has passed. A session Consul no longer knows
     * is replaced by a new one.
     */
    private String session(Deadline deadline, boolean force) throws DcsException {
        synchronized (sessionLock) {
            if (sessionId == null) {
                return createSession(deadline);
            }
            long since = System.nanoTime() - lastRenewNanos;
            if (!force && !renewDue && since < timing.loopWaitDuration().toNanos()) {
                return sessionId;
            }
            Response r = call("session renew", Method.PUT, "session/renew/" + sessionId, Map.of(), null, deadline);
            if (r.status() == 404) {
                LOG.info("Consul session {} has expired; creating a new one", sessionId);
                sessionId = null;
                return createSession(deadline);
            }
            expectOk("session renew", r);
            lastRenewNanos = System.nanoTime();
            renewDue = false;
            return sessionId;
        }
    }

    private String createSession(Deadline deadline) throws DcsException {
        for (int round = 0; round < 2; round++) {
            Duration ttl = sessionTtl();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Name", scope + "-" + memberName);
            body.put("TTL", Durations.seconds(ttl));
            body.put("LockDelay", Durations.seconds(LOCK_DELAY));
            body.put("Behavior", "delete");
            body.put("Checks", config.checks());
            Response r = call("session create", Method.PUT, "session/create", Map.of(), json(body), deadline);
            if (r.status() == 500 && r.text().contains("Invalid Session TTL") && round == 0) {
                Duration min = minimumSessionTtl(r.text(), deadline);
                LOG.warn("Changing Session TTL from {} to {}", Durations.seconds(ttl), Durations.seconds(min));
                sessionTtlFloor = min;
                continue;
            }
            expectOk("session create", r);
            JsonNode id = parseObject("session create", r).get("ID");
            if (id == null || id.asText().isEmpty()) {
                throw new DcsException("session create: Consul answered without a session ID: " + r.text());
            }
            sessionId = id.asText();
            lastRenewNanos = System.nanoTime();
            renewDue = false;
            lastMember = null; // the member key must move to the new session
            LOG.info("created Consul session {} ({}-{}, TTL {})", sessionId, scope, memberName, Durations.seconds(ttl));
            return sessionId;
        }
        throw new DcsException("session create: Consul refused the session TTL twice");
    }

    /** ttl/2: Consul invalidates a session only after twice its TTL, so the keys live ≈ ttl. */
    Duration sessionTtl() {
        Duration half = Duration.ofMillis(timing.ttl() * 500L);
        return half.compareTo(sessionTtlFloor) >= 0 ? half : sessionTtlFloor;
    }

    /** The agent's SessionTTLMin: from Consul's refusal ("must be between [10s=24h0m0s]"), else from agent/self. */
    private Duration minimumSessionTtl(String refusal, Deadline deadline) {
        Matcher m = TTL_RANGE.matcher(refusal);
        if (m.find()) {
            Optional<Duration> parsed = Durations.parse(m.group(1));
            if (parsed.isPresent()) {
                return parsed.get();
            }
        }
        try {
            Response r = call("agent self", Method.GET, "agent/self", Map.of(), null, deadline);
            if (r.ok()) {
                JsonNode self = JSON.readTree(r.body());
                for (JsonNode v : List.of(self.path("DebugConfig").path("SessionTTLMin"),
                        self.path("Config").path("SessionTTLMin"))) {
                    if (v.isNumber() && v.asLong() > 0) {
                        return Duration.ofNanos(v.asLong()); // older agents: nanoseconds
                    }
                    if (v.isTextual() && Durations.parse(v.asText()).isPresent()) {
                        return Durations.parse(v.asText()).get();
                    }
                }
            }
        } catch (DcsException | IOException e) {
            LOG.warn("could not read the agent's SessionTTLMin: {}", e.getMessage());
        }
        return Duration.ofSeconds(10); // Consul's default
    }

    private void forgetSession(String session) {
        synchronized (sessionLock) {
            if (session.equals(sessionId)) {
                sessionId = null;
            }
        }
    }

    /** The session holding my keys, or empty before the first one was created. */
    public Optional<String> currentSession() {
        synchronized (sessionLock) {
            return Optional.ofNullable(sessionId);
        }
    }

    // ---------------------------------------------------------------- service registration

    private void updateService(String memberJson) {
        ServiceAction action = ServiceAction.decide(memberJson, scope, memberName, config, sessionTtl());
        if (action.equals(lastServiceAction)) {
            return;
        }
        try {
            if (action instanceof ServiceAction.Register register) {
                Response r = call("register_service", Method.PUT, "agent/service/register", Map.of(),
                        json(register.body()), deadline());
                expectOk("register_service", r);
                LOG.info("Registered Consul service {} ({}) with tags {}", register.id(), register.name(),
                        register.tags());
            } else if (action instanceof ServiceAction.Deregister deregister) {
                Response r = call("deregister_service", Method.PUT,
                        "agent/service/deregister/" + deregister.id(), Map.of(), null, deadline());
                if (r.status() != 404) {
                    expectOk("deregister_service", r);
                }
                LOG.info("Deregistered Consul service {}", deregister.id());
            } else if (action instanceof ServiceAction.Ignore ignore) {
                ignore.warning().filter(loggedServiceWarnings::add).ifPresent(LOG::warn);
                return; // nothing sent: decide again next time
            }
            lastServiceAction = action;
        } catch (DcsException e) {
            LOG.error("Failed to update the Consul service: {}", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- other keys

    @Override
    public boolean initialize(boolean createNew, String sysid) {
        return write("initialize", KeyLayout.INITIALIZE, sysid, createNew ? OptionalLong.of(0) : OptionalLong.empty());
    }

    @Override
    public boolean cancelInitialization() {
        return delete("cancel_initialization", KeyLayout.INITIALIZE, OptionalLong.empty());
    }

    @Override
    public boolean setConfigValue(String json, OptionalLong version) {
        return write("set_config_value", KeyLayout.CONFIG, json, version);
    }

    @Override
    public boolean setFailoverValue(String json, OptionalLong version) {
        return write("set_failover_value", KeyLayout.FAILOVER, json, version);
    }

    @Override
    public OptionalLong setSyncStateValue(String json, OptionalLong version) {
        if (!write("set_sync_state_value", KeyLayout.SYNC, json, version)) {
            return OptionalLong.empty();
        }
        // Consul's PUT answers only true/false: learn the new index from a consistent read-back,
        // and fail if someone else's value is already there.
        try {
            Response r = call("set_sync_state_value", Method.GET, kvPath(KeyLayout.SYNC), Map.of("consistent", ""),
                    null, deadline());
            if (r.status() == 404) {
                return OptionalLong.empty();
            }
            expectOk("set_sync_state_value", r);
            JsonNode entry = parseArray("set_sync_state_value", r).get(0);
            if (entry == null || !json.equals(value(entry))) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(entry.path("ModifyIndex").asLong());
        } catch (DcsException e) {
            LOG.error("Failed to read back sync: {}", e.getMessage());
            return OptionalLong.empty();
        }
    }

    @Override
    public boolean deleteSyncState(OptionalLong version) {
        return delete("delete_sync_state", KeyLayout.SYNC, version);
    }

    @Override
    public boolean setHistoryValue(String json) {
        return write("set_history_value", KeyLayout.HISTORY, json, OptionalLong.empty());
    }

    @Override
    public boolean writeStatus(String json) {
        return write("write_status", KeyLayout.STATUS, json, OptionalLong.empty());
    }

    @Override
    public boolean writeFailsafe(String json) {
        return write("write_failsafe", KeyLayout.FAILSAFE, json, OptionalLong.empty());
    }

    @Override
    public boolean deleteCluster() {
        try {
            Response r = call("delete_cluster", Method.DELETE, kvPath(""), recurse(), null, deadline());
            expectOk("delete_cluster", r);
            lastMember = null;
            holdsLock = false;
            return true;
        } catch (DcsException e) {
            LOG.error("Failed to delete the cluster's keys: {}", e.getMessage());
            return false;
        }
    }

    private static Map<String, String> recurse() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("recurse", null);
        return q;
    }

    /** Plain PUT, or {@code ?cas=<version>} when given (0 = only if absent). */
    private boolean write(String what, String relativeKey, String value, OptionalLong version) {
        try {
            Map<String, String> query = version.isPresent() ? Map.of("cas", Long.toString(version.getAsLong())) : Map.of();
            Response r = call(what, Method.PUT, kvPath(relativeKey), query, value.getBytes(StandardCharsets.UTF_8),
                    deadline());
            boolean ok = bool(what, r);
            if (!ok && version.isPresent()) {
                if (version.getAsLong() == 0) {
                    LOG.info("{}: {} already exists, not created", what, relativeKey);
                } else {
                    LOG.info("{}: {} changed since version {} was read, not written", what, relativeKey,
                            version.getAsLong());
                }
            }
            return ok;
        } catch (DcsException e) {
            LOG.error("Failed to write {}: {}", relativeKey, e.getMessage());
            return false;
        }
    }

    private boolean delete(String what, String relativeKey, OptionalLong version) {
        try {
            Map<String, String> query = version.isPresent() ? Map.of("cas", Long.toString(version.getAsLong())) : Map.of();
            return bool(what, call(what, Method.DELETE, kvPath(relativeKey), query, null, deadline()));
        } catch (DcsException e) {
            LOG.error("Failed to delete {}: {}", relativeKey, e.getMessage());
            return false;
        }
    }

    // ---------------------------------------------------------------- sleeping between iterations

    @Override
    public boolean watch(OptionalLong leaderVersion, Duration timeout) throws InterruptedException {
        // Each cycle renews the session at least once (from touch_member).
        renewDue = true;
        if (ttlChanged) {
            ttlChanged = false;
            return true;
        }
        long end = System.nanoTime() + timeout.toNanos();
        if (leaderVersion.isPresent()) {
            long version = leaderVersion.getAsLong();
            while (true) {
                Duration left = Duration.ofNanos(end - System.nanoTime());
                if (left.compareTo(MIN_BLOCKING_WAIT) < 0) {
                    break;
                }
                Optional<Boolean> outcome = blockingQuery(version, left, end);
                if (outcome.isPresent()) {
                    return outcome.get();
                }
            }
        }
        return wake.await(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    /**
     * One blocking query on the leader key: true if its index moved or {@link #wakeup()} was
     * called, false if the wait ran out unchanged, empty after an error (the caller retries
     * while at least a second remains, pausing up to a second, never past the watch's end, so that a dead agent is not hammered).
     */
    private Optional<Boolean> blockingQuery(long version, Duration wait, long endNanos) throws InterruptedException {
        // Consul adds up to wait/16 of jitter to the wait; leave room for it.
        Duration slack = Duration.ofMillis(Math.max(wait.toMillis() / 15, 1000));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("index", Long.toString(version));
        query.put("wait", wait.toMillis() + "ms");
        CompletableFuture<Response> answer = http.send(kvPath(KeyLayout.LEADER), query, wait.plus(slack));
        answer.whenComplete((r, e) -> wake.nudge());
        try {
            if (wake.await(wait.plus(slack), answer::isDone)) {
                return Optional.of(true);
            }
            if (!answer.isDone()) {
                return Optional.of(false);
            }
            Response r = answer.get();
            if ((r.status() == 200 || r.status() == 404) && r.index().isPresent()) {
                return Optional.of(r.index().getAsLong() != version);
            }
            LOG.warn("watch: Consul answered HTTP {} to the blocking query: {}", r.status(), r.text().strip());
        } catch (ExecutionException e) {
            LOG.warn("watch: blocking query on the leader key failed: {}", ConsulHttp.describe(e.getCause()));
        } finally {
            answer.cancel(true);
        }
        // The pause never runs past the watch's own end: a failed query near it must not add a second.
        Duration pause = Duration.ofNanos(Math.min(Duration.ofSeconds(1).toNanos(),
                Math.max(0, endNanos - System.nanoTime())));
        boolean woken = wake.await(pause);
        return woken ? Optional.of(true) : Optional.empty();
    }

    @Override
    public void wakeup() {
        wake.set();
    }

    @Override
    public void setTiming(DcsTiming newTiming) {
        DcsTiming old = timing;
        timing = newTiming;
        if (old.ttl() != newTiming.ttl()) {
            synchronized (sessionLock) {
                // The old session simply expires; keys move to the new one on their next write.
                sessionId = null;
            }
            lastMember = null;
            lastServiceAction = null;
            ttlChanged = true;
            LOG.info("ttl changed from {} to {} s: a new Consul session will be created", old.ttl(), newTiming.ttl());
        }
    }

    @Override
    public void close() {
        http.close();
    }

    // ---------------------------------------------------------------- helpers

    private Deadline deadline() {
        return Deadline.after(timing.retryDuration());
    }

    /** One try waits at most retry_timeout/3 (dcs.md §4.2), at least a second. */
    private Duration attemptTimeout() {
        Duration third = timing.retryDuration().dividedBy(3);
        return third.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : third;
    }

    private Response call(String what, Method method, String path, Map<String, String> query, byte[] body,
                          Deadline deadline) throws DcsException {
        return http.call(what, method, path, query, body, deadline, attemptTimeout());
    }

    private String kvPath(String relativeKey) {
        return "kv/" + basePath + relativeKey;
    }

    private static void expectOk(String what, Response r) throws DcsException {
        if (!r.ok()) {
            throw new DcsException(what + ": Consul answered HTTP " + r.status() + ": " + r.text().strip());
        }
    }

    private static boolean bool(String what, Response r) throws DcsException {
        expectOk(what, r);
        String text = r.text().strip();
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new DcsException(what + ": unexpected answer from Consul: " + text);
    }

    private static JsonNode parseArray(String what, Response r) throws DcsException {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node == null || !node.isArray()) {
                throw new DcsException(what + ": Consul answered something other than a JSON array");
            }
            return node;
        } catch (IOException e) {
            throw new DcsException(what + ": unreadable answer from Consul: " + e.getMessage(), e);
        }
    }

    private static JsonNode parseObject(String what, Response r) throws DcsException {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node == null || !node.isObject()) {
                throw new DcsException(what + ": Consul answered something other than a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new DcsException(what + ": unreadable answer from Consul: " + e.getMessage(), e);
        }
    }

    private static byte[] json(Object value) throws DcsException {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new DcsException("cannot encode a request body: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ConsulDcs[" + config.endpoint() + "/" + basePath + "]";
    }
}
