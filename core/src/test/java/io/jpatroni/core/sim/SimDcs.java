package io.jpatroni.core.sim;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DCS as etcd v3 behaves (dcs.md §3, §4.1), applied at the instant a request reaches it:
 * one global revision, leases whose keys vanish {@code ttl} after the last keepalive the DCS
 * received, compare-and-set transactions, and a watch that tells nodes when {@code leader},
 * {@code config} or {@code status} changed. While the whole DCS is down nothing expires; when it
 * comes back every lease gets its full ttl again (etcd's new raft leader renews all leases).
 */
final class SimDcs {

    enum LockResult { WON, LOST, LEASE_NOT_FOUND }

    /** Tells the simulation what happened, for watches, the trace and the invariants. */
    interface Listener {
        void changed(String key, String writer);

        void leaderLeaseExpired(String owner);
    }

    private static final class Entry {
        String value;
        long modRevision;
        long lease;
    }

    private static final class Lease {
        final long id;
        final String owner;
        final long ttl;
        long expiresAt;

        Lease(long id, String owner, long ttl, long expiresAt) {
            this.id = id;
            this.owner = owner;
            this.ttl = ttl;
            this.expiresAt = expiresAt;
        }
    }

    private final Scheduler clock;
    private final Trace trace;
    private final Listener listener;
    private final TreeMap<String, Entry> keys = new TreeMap<>();
    private final Map<Long, Lease> leases = new HashMap<>();
    private long revision = 1;
    private long nextLease = 7_000;
    private boolean down;
    private long cachedRevision = -1;
    private ClusterView cachedView;

    SimDcs(Scheduler clock, Trace trace, Listener listener) {
        this.clock = clock;
        this.trace = trace;
        this.listener = listener;
    }

    // ------------------------------------------------------------------ reads

    /**
     * The snapshot with the exact text the daemon stored, assembled by the real {@link KeyLayout#assemble}
     * and decoded by the real {@link ClusterView#decode}. Both are pure: one decode per revision is shared.
     */
    ClusterView read() {
        if (cachedRevision != revision) {
            List<KeyLayout.Node> nodes = new ArrayList<>();
            keys.forEach((k, e) -> nodes.add(new KeyLayout.Node(k, e.value, e.modRevision,
                    e.lease == 0 ? null : Long.toString(e.lease))));
            Cluster cluster = KeyLayout.assemble(nodes);
            cachedView = ClusterView.decode(cluster);
            cachedRevision = revision;
        }
        return cachedView;
    }

    /** Who the DCS says holds the lock right now (for the invariants, not visible to nodes). */
    String leaderNow() {
        Entry e = keys.get(KeyLayout.LEADER);
        return e == null ? null : e.value;
    }

    long statusOptimeNow() {
        return read().statusOptime();
    }

    // ------------------------------------------------------------------ leases

    long grant(String owner, long ttl) {
        long id = nextLease++;
        Lease lease = new Lease(id, owner, ttl, clock.now() + ttl);
        leases.put(id, lease);
        scheduleExpiry(lease);
        return id;
    }

    boolean keepAlive(long id) {
        Lease lease = leases.get(id);
        if (lease == null) {
            return false;
        }
        lease.expiresAt = clock.now() + lease.ttl;
        scheduleExpiry(lease);
        return true;
    }

    private void scheduleExpiry(Lease lease) {
        long id = lease.id;
        clock.at(lease.expiresAt, () -> expireIfDue(id));
    }

    private void expireIfDue(long id) {
        Lease lease = leases.get(id);
        if (lease == null || down || lease.expiresAt > clock.now()) {
            return;
        }
        leases.remove(id);
        boolean hadLeader = false;
        for (var it = keys.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().lease == id) {
                hadLeader |= e.getKey().equals(KeyLayout.LEADER);
                it.remove();
            }
        }
        revision++;
        trace.log("DCS:", "lease of " + lease.owner + " expired" + (hadLeader ? ", leader key deleted" : ""));
        if (hadLeader) {
            listener.changed(KeyLayout.LEADER, "dcs");
            listener.leaderLeaseExpired(lease.owner);
        }
    }

    void setDown(boolean isDown) {
        if (down && !isDown) {
            for (Lease lease : new ArrayList<>(leases.values())) {
                lease.expiresAt = Math.max(lease.expiresAt, clock.now() + lease.ttl);
                scheduleExpiry(lease);
            }
        }
        down = isDown;
    }

    boolean isDown() {
        return down;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Create {@code leader} with my lease iff absent; a retried request that was applied finds it mine.
     * With {@code expectedStatusRevision} ≥ 0 (FINDING 3's fix) also only if {@code status} is still the
     * one the race was decided on (0 = absent).
     */
    LockResult acquire(String me, long lease, long expectedStatusRevision) {
        if (!leases.containsKey(lease)) {
            return LockResult.LEASE_NOT_FOUND;
        }
        Entry e = keys.get(KeyLayout.LEADER);
        Entry status = keys.get(KeyLayout.STATUS);
        boolean statusAsRead = expectedStatusRevision < 0
                || (status == null ? 0 : status.modRevision) == expectedStatusRevision;
        if (e == null && !statusAsRead) {
            trace.log(me, "DCS: leader key not created: status changed since the race was decided");
            return LockResult.LOST;
        }
        if (e == null) {
            write(KeyLayout.LEADER, me, lease, me);
            trace.log(me, "DCS: acquired leader lock");
            return LockResult.WON;
        }
        return e.value.equals(me) && e.lease == lease ? LockResult.WON : LockResult.LOST;
    }

    /** The leader-update transaction of the etcd plugin: {@code value == me} → put, else create if absent. */
    LockResult update(String me, long lease) {
        if (!leases.containsKey(lease)) {
            return LockResult.LEASE_NOT_FOUND;
        }
        Entry e = keys.get(KeyLayout.LEADER);
        if (e == null || e.value.equals(me)) {
            write(KeyLayout.LEADER, me, lease, me);
            trace.log(me, "DCS: leader key re-bound to a new lease");
            return LockResult.WON;
        }
        return LockResult.LOST;
    }

    boolean deleteLeaderIf(String me) {
        Entry e = keys.get(KeyLayout.LEADER);
        if (e == null || !e.value.equals(me)) {
            return false;
        }
        keys.remove(KeyLayout.LEADER);
        revision++;
        trace.log(me, "DCS: leader key deleted");
        listener.changed(KeyLayout.LEADER, me);
        return true;
    }

    /** Unconditional put; with a lease, refused when the lease is gone. */
    boolean put(String key, String value, long lease, String writer) {
        if (lease != 0 && !leases.containsKey(lease)) {
            return false;
        }
        write(key, value, lease, writer);
        return true;
    }

    /** Compare-and-set on the key's mod revision ({@code setFailoverValue} with a version). */
    boolean putIfVersion(String key, String value, long version, String writer) {
        Entry e = keys.get(key);
        if (e == null || e.modRevision != version) {
            return false;
        }
        write(key, value, 0, writer);
        return true;
    }

    /**
     * The etcd plugin's {@code write} with a version (setSyncStateValue): absent version = put,
     * else compare-and-set on the mod revision. The new revision, or -1 when refused.
     */
    long writeVersioned(String key, String value, java.util.OptionalLong version, String writer) {
        if (version.isPresent()) {
            Entry e = keys.get(key);
            if (e == null || e.modRevision != version.getAsLong()) {
                return -1;
            }
        }
        write(key, value, 0, writer);
        return keys.get(key).modRevision;
    }

    /** The raw text of a key right now (for the invariants, not visible to nodes). */
    String valueNow(String key) {
        Entry e = keys.get(key);
        return e == null ? null : e.value;
    }

    boolean putIfAbsent(String key, String value, String writer) {
        if (keys.containsKey(key)) {
            return false;
        }
        write(key, value, 0, writer);
        return true;
    }

    boolean delete(String key, String writer) {
        if (keys.remove(key) == null) {
            return false;
        }
        revision++;
        listener.changed(key, writer);
        return true;
    }

    private void write(String key, String value, long lease, String writer) {
        Entry e = keys.computeIfAbsent(key, k -> new Entry());
        boolean changed = !value.equals(e.value);
        e.value = value;
        e.lease = lease;
        e.modRevision = ++revision;
        if (changed) {
            listener.changed(key, writer);
        }
    }
}
