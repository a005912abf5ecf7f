package io.jpatroni.testing.consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The replicated state of a one-server Consul datacenter: the KV store with its tombstones, the
 * sessions with their TTL timers and lock delays, and the local agent's services. Every write
 * takes the next raft index; readers block on {@link #awaitChange} for blocking queries.
 *
 * <p>Semantics follow Consul's documented HTTP API (v1 KV, session and agent endpoints); where
 * the documentation is silent, the behaviour of Consul's state store is reproduced: the index of
 * a single-key read is the key's ModifyIndex (the KV table index when the key is absent), a list
 * read takes the highest ModifyIndex under the prefix including tombstones, a CAS delete of a
 * missing key answers true, and sessions are invalidated {@link #TTL_MULTIPLIER} × TTL after the
 * last renewal, never earlier.
 */
final class ConsulState implements AutoCloseable {

    /** Consul gives clients a grace period: a session lives twice its TTL after the last renewal. */
    static final int TTL_MULTIPLIER = 2;
    static final Duration SESSION_TTL_MAX = Duration.ofHours(24);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "consul-emulator-session-timers");
        t.setDaemon(true);
        return t;
    });
    private final String nodeName;
    private volatile Duration sessionTtlMin;

    private long raftIndex = 10;
    private long kvTableIndex;
    private long sessionTableIndex;
    private final TreeMap<String, KvEntry> kv = new TreeMap<>();
    private final TreeMap<String, Long> tombstones = new TreeMap<>();
    private final Map<String, Long> lockDelayUntilNanos = new HashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    private final List<String> invalidations = new ArrayList<>();

    ConsulState(String nodeName, Duration sessionTtlMin) {
        this.nodeName = nodeName;
        this.sessionTtlMin = sessionTtlMin;
    }

    /** A refusal that Consul reports as an HTTP error (status and plain-text body). */
    static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static final class KvEntry {
        final String key;
        byte[] value;
        long flags;
        long createIndex;
        long modifyIndex;
        long lockIndex;
        String session;

        KvEntry(String key) {
            this.key = key;
        }

        KvEntry copy() {
            KvEntry c = new KvEntry(key);
            c.value = value;
            c.flags = flags;
            c.createIndex = createIndex;
            c.modifyIndex = modifyIndex;
            c.lockIndex = lockIndex;
            c.session = session;
            return c;
        }
    }

    enum Behavior { RELEASE, DELETE }

    static final class Session {
        final String id;
        final String name;
        final String node;
        final Duration ttl;
        final Duration lockDelay;
        final Behavior behavior;
        final List<String> nodeChecks;
        final long createIndex;
        long expiresAtNanos;
        ScheduledFuture<?> timer;

        Session(String id, String name, String node, Duration ttl, Duration lockDelay, Behavior behavior,
                List<String> nodeChecks, long createIndex) {
            this.id = id;
            this.name = name;
            this.node = node;
            this.ttl = ttl;
            this.lockDelay = lockDelay;
            this.behavior = behavior;
            this.nodeChecks = List.copyOf(nodeChecks);
            this.createIndex = createIndex;
        }
    }

    /** Result of a KV read: the index for X-Consul-Index and the matching entries (copies). */
    record KvRead(long index, List<KvEntry> entries) {
    }

    void setSessionTtlMin(Duration min) {
        this.sessionTtlMin = min;
    }

    Duration sessionTtlMin() {
        return sessionTtlMin;
    }

    String nodeName() {
        return nodeName;
    }

    // ------------------------------------------------------------------ reads and blocking

    KvRead read(String key, boolean recurse) {
        lock.lock();
        try {
            if (!recurse) {
                KvEntry e = kv.get(key);
                if (e != null) {
                    return new KvRead(e.modifyIndex, List.of(e.copy()));
                }
                return new KvRead(Math.max(1, kvTableIndex), List.of());
            }
            List<KvEntry> found = new ArrayList<>();
            long index = 0;
            for (KvEntry e : kv.tailMap(key, true).values()) {
                if (!e.key.startsWith(key)) {
                    break;
                }
                found.add(e.copy());
                index = Math.max(index, e.modifyIndex);
            }
            if (!key.isEmpty()) {
                for (Map.Entry<String, Long> t : tombstones.tailMap(key, true).entrySet()) {
                    if (!t.getKey().startsWith(key)) {
                        break;
                    }
                    index = Math.max(index, t.getValue());
                }
            } else {
                index = kvTableIndex;
            }
            return new KvRead(Math.max(1, index == 0 ? kvTableIndex : index), found);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Re-runs {@code read} after every change until its index exceeds {@code minIndex} or the
     * deadline passes, like Consul's blocking query loop. minIndex 0 answers at once.
     */
    KvRead readBlocking(String key, boolean recurse, long minIndex, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                KvRead result = read(key, recurse);
                long left = deadline - System.nanoTime();
                if (minIndex == 0 || result.index() > minIndex || left <= 0) {
                    return result;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every blocking reader (used on shutdown so that they answer promptly). */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ KV writes

    /**
     * PUT /v1/kv/key with at most one of cas / acquire / release, as Consul's KVS.Apply.
     * Returns the JSON boolean Consul answers.
     */
    boolean put(String key, byte[] value, long flags, Long cas, String acquire, String release) {
        lock.lock();
        try {
            KvEntry existing = kv.get(key);
            if (acquire != null) {
                Session s = liveSession(acquire);
                Long delayedUntil = lockDelayUntilNanos.get(key);
                if (delayedUntil != null && delayedUntil - System.nanoTime() > 0) {
                    return false; // lock-delay after the previous holder's session was invalidated
                }
                if (existing != null && existing.session != null && !existing.session.equals(s.id)) {
                    return false;
                }
                KvEntry e = write(key, value, flags, existing);
                if (existing == null || !s.id.equals(existing.session)) {
                    e.lockIndex = (existing == null ? 0 : existing.lockIndex) + 1;
                }
                e.session = s.id;
                return true;
            }
            if (release != null) {
                liveSession(release);
                if (existing == null || !release.equals(existing.session)) {
                    return false;
                }
                KvEntry e = write(key, value, flags, existing);
                e.session = null;
                return true;
            }
            if (cas != null) {
                if (cas == 0 && existing != null) {
                    return false;
                }
                if (cas != 0 && (existing == null || existing.modifyIndex != cas)) {
                    return false;
                }
            }
            write(key, value, flags, existing); // a plain write keeps the lock holder
            return true;
        } finally {
            lock.unlock();
        }
    }

    private KvEntry write(String key, byte[] value, long flags, KvEntry existing) {
        long idx = nextIndex();
        KvEntry e = existing != null ? existing : new KvEntry(key);
        if (existing == null) {
            e.createIndex = idx;
            kv.put(key, e);
        }
        e.value = value;
        e.flags = flags;
        e.modifyIndex = idx;
        kvTableIndex = idx;
        changed.signalAll();
        return e;
    }

    /** DELETE /v1/kv/key (optionally recurse or cas). */
    boolean delete(String key, boolean recurse, Long cas) {
        lock.lock();
        try {
            if (recurse) {
                List<String> doomed = new ArrayList<>();
                for (String k : kv.tailMap(key, true).keySet()) {
                    if (!k.startsWith(key)) {
                        break;
                    }
                    doomed.add(k);
                }
                if (!doomed.isEmpty()) {
                    long idx = nextIndex();
                    doomed.forEach(k -> bury(k, idx));
                }
                return true;
            }
            KvEntry existing = kv.get(key);
            if (cas != null && (existing == null || existing.modifyIndex != cas)) {
                // Consul's state store: a CAS delete of a key that is not there counts as done.
                return existing == null;
            }
            if (existing != null) {
                bury(key, nextIndex());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void bury(String key, long idx) {
        kv.remove(key);
        tombstones.put(key, idx);
        kvTableIndex = idx;
        changed.signalAll();
    }

    private long nextIndex() {
        return ++raftIndex;
    }

    // ------------------------------------------------------------------ sessions

    Session createSession(String name, String node, Duration ttl, Duration lockDelay, Behavior behavior,
                          List<String> nodeChecks) {
        if (!ttl.isZero() && (ttl.compareTo(sessionTtlMin) < 0 || ttl.compareTo(SESSION_TTL_MAX) > 0)) {
            throw new ApiError(500, "Invalid Session TTL '" + ttl.toNanos() + "', must be between ["
                    + GoDuration.format(sessionTtlMin) + "=" + GoDuration.format(SESSION_TTL_MAX) + "]");
        }
        if (!node.equals(nodeName)) {
            throw new ApiError(500, "Failed to create session: Missing node registration");
        }
        for (String check : nodeChecks) {
            if (!check.equals("serfHealth")) {
                throw new ApiError(500, "Missing check '" + check + "' registration");
            }
        }
        lock.lock();
        try {
            long idx = nextIndex();
            sessionTableIndex = idx;
            Session s = new Session(UUID.randomUUID().toString(), name, node, ttl, lockDelay, behavior, nodeChecks, idx);
            sessions.put(s.id, s);
            armTimer(s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** PUT /v1/session/renew: empty if Consul does not know the session (any more). */
    Optional<Session> renew(String id) {
        lock.lock();
        try {
            Session s = sessions.get(id);
            if (s == null) {
                return Optional.empty();
            }
            armTimer(s);
            return Optional.of(s);
        } finally {
            lock.unlock();
        }
    }

    Optional<Session> session(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(sessions.get(id));
        } finally {
            lock.unlock();
        }
    }

    List<Session> sessions() {
        lock.lock();
        try {
            return List.copyOf(sessions.values());
        } finally {
            lock.unlock();
        }
    }

    long sessionIndex() {
        lock.lock();
        try {
            return Math.max(1, sessionTableIndex);
        } finally {
            lock.unlock();
        }
    }

    /** PUT /v1/session/destroy: invalidates like a TTL expiry would. */
    boolean destroy(String id) {
        lock.lock();
        try {
            Session s = sessions.get(id);
            if (s != null) {
                invalidate(s, "destroyed");
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ids of sessions invalidated so far, in order, with the reason ("ttl" or "destroyed"). */
    List<String> invalidations() {
        lock.lock();
        try {
            return List.copyOf(invalidations);
        } finally {
            lock.unlock();
        }
    }

    private Session liveSession(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new ApiError(500, "invalid session \"" + id + "\"");
        }
        return s;
    }

    private void armTimer(Session s) {
        if (s.ttl.isZero()) {
            return;
        }
        if (s.timer != null) {
            s.timer.cancel(false);
        }
        long grace = s.ttl.toNanos() * TTL_MULTIPLIER;
        s.expiresAtNanos = System.nanoTime() + grace;
        s.timer = timers.schedule(() -> expire(s.id), grace, TimeUnit.NANOSECONDS);
    }

    private void expire(String id) {
        lock.lock();
        try {
            Session s = sessions.get(id);
            // A renewal that raced with the timer moved the expiry: that renewal wins.
            if (s != null && s.expiresAtNanos - System.nanoTime() <= 0) {
                invalidate(s, "ttl");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Consul's session invalidation: apply the behaviour to held keys and start their lock-delay. */
    private void invalidate(Session s, String reason) {
        sessions.remove(s.id);
        if (s.timer != null) {
            s.timer.cancel(false);
        }
        invalidations.add(s.id + " " + reason);
        long idx = nextIndex();
        sessionTableIndex = idx;
        long delayEnd = System.nanoTime() + s.lockDelay.toNanos();
        List<KvEntry> held = kv.values().stream().filter(e -> s.id.equals(e.session)).toList();
        for (KvEntry e : held) {
            if (!s.lockDelay.isZero()) {
                lockDelayUntilNanos.put(e.key, delayEnd);
            }
            if (s.behavior == Behavior.DELETE) {
                bury(e.key, idx);
            } else {
                e.session = null;
                e.modifyIndex = idx;
                kvTableIndex = idx;
            }
        }
        changed.signalAll();
    }

    // ------------------------------------------------------------------ agent services

    void registerService(Map<String, Object> service) {
        lock.lock();
        try {
            services.put((String) service.get("ID"), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(service)));
        } finally {
            lock.unlock();
        }
    }

    boolean deregisterService(String id) {
        lock.lock();
        try {
            return services.remove(id) != null;
        } finally {
            lock.unlock();
        }
    }

    Map<String, Map<String, Object>> services() {
        lock.lock();
        try {
            return new LinkedHashMap<>(services);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
