package io.jpatroni.plugin.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.Member;
import io.jpatroni.api.dcs.support.Deadline;
import io.jpatroni.api.dcs.support.OwnWrites;
import io.jpatroni.api.dcs.support.WakeSignal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's keys in etcd through the v3 gRPC API (dcs.md §3, §4.1).
 *
 * <p>One lease per process with TTL = {@code ttl} carries this node's {@code members/<name>}
 * key and, while it holds the lock, the {@code leader} key. The lease is granted on first use
 * and granted again whenever etcd says it is gone. Every request is retried until
 * {@code retry_timeout} has passed and then fails with {@link DcsException}; a lock write is not
 * started with less than 1 s of that budget left.
 */
public final class EtcdDcs implements Dcs {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDcs.class);
    private static final Duration CRITICAL_WRITE_BUDGET = Duration.ofSeconds(1);
    private static final Duration NON_LEADER_EXTRA_WAIT = Duration.ofMillis(500);

    private final EtcdDcsConfig config;
    private final String basePath;
    private final String memberName;
    private final ByteSequence me;
    private final Client client;
    private final KV kv;
    private final Lease leases;
    private final EtcdCalls calls;
    private final WakeSignal wake = new WakeSignal();
    private final OwnWrites ownWrites = new OwnWrites();
    private final ClusterWatcher watcher;

    private volatile DcsTiming timing;
    private volatile boolean holdsLock;
    private volatile boolean ttlChanged;
    private volatile WrittenMember lastMember;

    // Lease state, guarded by leaseLock.
    private final Object leaseLock = new Object();
    private long leaseId;
    private long lastRefreshNanos;
    private volatile boolean refreshDue; // set by watch() without the lock: it must never wait on a network call

    /** The member key as last written: skip the write while neither value nor lease changed. */
    private record WrittenMember(String json, long lease) {
    }

    public EtcdDcs(EtcdDcsConfig config, DcsSettings settings) throws DcsException {
        this.config = config;
        this.basePath = settings.basePath();
        this.memberName = settings.memberName();
        this.me = bytes(memberName);
        this.timing = settings.timing();
        this.client = buildClient(config, settings.timing());
        this.calls = new EtcdCalls(config.describeEndpoints(), config.endpoints().size(), new ReconnectNudge(client));
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watcher = new ClusterWatcher(client.getWatchClient(), basePath, wake, () -> holdsLock);
        watcher.start();
        LOG.info("etcd v3 at {} for {} (member {})", config.describeEndpoints(), basePath, memberName);
    }

    private static Client buildClient(EtcdDcsConfig config, DcsTiming timing) throws DcsException {
        // gRPC keepalive stands in for Patroni's TCP keepalive: a dead peer under the
        // never-ending watch stream is noticed within about ttl.
        long idle = Math.max(10, timing.loopWait() + timing.retryTimeout());
        long probe = Math.max(2, (timing.ttl() - idle) / 3);
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(URI[]::new))
                .connectTimeout(Duration.ofSeconds(Math.max(1, Math.min(timing.retryTimeout(), 3))))
                .waitForReady(false) // fail fast while disconnected; EtcdCalls retries
                .retryMaxAttempts(0) // retries happen in EtcdCalls, bounded by retry_timeout
                .keepaliveTime(Duration.ofSeconds(idle))
                .keepaliveTimeout(Duration.ofSeconds(probe))
                .keepaliveWithoutCalls(true);
        if (config.username().isPresent()) {
            builder.user(bytes(config.username().get())).password(bytes(config.password().orElse("")));
        }
        if (config.tls()) {
            try {
                builder.sslContext(ssl -> {
                    config.cacert().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    if (config.cert().isPresent() && config.key().isPresent()) {
                        ssl.keyManager(config.cert().get().toFile(), config.key().get().toFile());
                    }
                });
            } catch (SSLException | IllegalArgumentException e) {
                throw new DcsException(config.section() + ": cannot set up TLS (cacert/cert/key): " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Cluster getCluster() throws DcsException {
        Deadline deadline = deadline();
        GetResponse response = call("get_cluster", deadline,
                () -> kv.get(key(""), GetOption.builder().isPrefix(true).build()));
        List<KeyLayout.Node> nodes = new ArrayList<>();
        for (KeyValue entry : response.getKvs()) {
            String key = text(entry.getKey());
            if (!key.startsWith(basePath)) {
                continue;
            }
            String session = entry.getLease() == 0 ? null : Long.toString(entry.getLease());
            nodes.add(new KeyLayout.Node(key.substring(basePath.length()), text(entry.getValue()),
                    entry.getModRevision(), session));
        }
        Cluster cluster = KeyLayout.assemble(nodes);
        forgetMemberIfChanged(cluster.member(memberName));
        holdsLock = cluster.leader().map(l -> l.name().equals(memberName)).orElse(false);
        return cluster;
    }

    /** A member key that vanished or was rewritten by someone else must be written again. */
    private void forgetMemberIfChanged(Optional<Member> stored) {
        WrittenMember written = lastMember;
        if (written == null) {
            return;
        }
        boolean same = stored.isPresent() && stored.get().value().equals(written.json())
                && Long.toString(written.lease()).equals(stored.get().session());
        if (!same) {
            lastMember = null;
        }
    }

    // ---------------------------------------------------------------- the leader lock

    @Override
    public boolean attemptToAcquireLeader() throws DcsException {
        Deadline deadline = deadline();
        long lease = refreshLease(deadline, false);
        for (int round = 0; ; round++) {
            deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "attempt_to_acquire_leader");
            long useLease = lease;
            try {
                TxnResponse response = call("attempt_to_acquire_leader", deadline, () -> kv.txn()
                        .If(absent(KeyLayout.LEADER))
                        .Then(Op.put(key(KeyLayout.LEADER), me, withLease(useLease)))
                        .Else(Op.get(key(KeyLayout.LEADER), GetOption.DEFAULT))
                        .commit());
                if (response.isSucceeded()) {
                    ownWrites.add(response.getHeader().getRevision());
                    holdsLock = true;
                    return true;
                }
                // A retried request may have been applied the first time: then the key is mine.
                boolean mine = response.getGetResponses().stream().flatMap(g -> g.getKvs().stream())
                        .anyMatch(e -> e.getValue().equals(me) && e.getLease() == useLease);
                holdsLock = mine;
                return mine;
            } catch (EtcdCalls.LeaseNotFound e) {
                forgetLease(useLease);
                if (round > 0 || !deadline.hasAtLeast(CRITICAL_WRITE_BUDGET)) {
                    throw e;
                }
                LOG.info("etcd lease {} is gone; granting a new one to acquire the leader lock", useLease);
                lease = refreshLease(deadline, false);
            }
        }
    }

    @Override
    public boolean updateLeader(Leader current) throws DcsException {
        Deadline deadline = deadline();
        long lease = refreshLease(deadline, true);
        if (current != null && current.name().equals(memberName) && Long.toString(lease).equals(current.session())) {
            // The keepalive of the lease the key is bound to is the update.
            holdsLock = true;
            return true;
        }
        deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "update_leader");
        Op put = Op.put(key(KeyLayout.LEADER), me, withLease(lease));
        Op createIfAbsent = Op.txn(new Cmp[] {absent(KeyLayout.LEADER)}, new Op[] {put}, new Op[0]);
        TxnResponse response;
        try {
            response = call("update_leader", deadline, () -> kv.txn()
                    .If(new Cmp(key(KeyLayout.LEADER), Cmp.Op.EQUAL, CmpTarget.value(me)))
                    .Then(put)
                    .Else(createIfAbsent)
                    .commit());
        } catch (EtcdCalls.LeaseNotFound e) {
            // The lease expired between keepalive and write: the lock is not mine any more.
            forgetLease(lease);
            holdsLock = false;
            LOG.warn("etcd lease {} expired while updating the leader lock", lease);
            return false;
        }
        boolean ok = response.isSucceeded() || response.getTxnResponses().stream().anyMatch(TxnResponse::isSucceeded);
        if (ok) {
            ownWrites.add(response.getHeader().getRevision());
        }
        holdsLock = ok;
        return ok;
    }

    @Override
    public boolean deleteLeader(Leader current) {
        try {
            TxnResponse response = call("delete_leader", deadline(), () -> kv.txn()
                    .If(new Cmp(key(KeyLayout.LEADER), Cmp.Op.EQUAL, CmpTarget.value(me)))
                    .Then(Op.delete(key(KeyLayout.LEADER), DeleteOption.DEFAULT))
                    .commit());
            if (response.isSucceeded()) {
                ownWrites.add(response.getHeader().getRevision());
                holdsLock = false;
            }
            return response.isSucceeded();
        } catch (DcsException e) {
            LOG.error("Failed to delete the leader key: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean takeLeader() {
        try {
            Deadline deadline = deadline();
            long lease = refreshLease(deadline, false);
            put("take_leader", deadline, KeyLayout.LEADER, memberName, withLease(lease));
            holdsLock = true;
            return true;
        } catch (DcsException e) {
            LOG.error("Failed to write the leader key: {}", e.getMessage());
            return false;
        }
    }

    // ---------------------------------------------------------------- member key and lease

    @Override
    public boolean touchMember(String json) {
        try {
            Deadline deadline = deadline();
            long lease = refreshLease(deadline, false);
            WrittenMember written = lastMember;
            if (written != null && written.lease() == lease && written.json().equals(json)) {
                return true;
            }
            put("touch_member", deadline, KeyLayout.MEMBERS + memberName, json, withLease(lease));
            lastMember = new WrittenMember(json, lease);
            return true;
        } catch (DcsException e) {
            lastMember = null;
            LOG.error("Failed to update member key: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Returns my lease, first granting one if there is none, and sending a keepalive when forced,
     * when the HA loop has slept since the last one, or when {@code loop_wait} has passed.
     */
    private long refreshLease(Deadline deadline, boolean force) throws DcsException {
        synchronized (leaseLock) {
            if (leaseId == 0) {
                return grantLease(deadline);
            }
            long sinceRefresh = System.nanoTime() - lastRefreshNanos;
            if (!force && !refreshDue && sinceRefresh < timing.loopWaitDuration().toNanos()) {
                return leaseId;
            }
            long lease = leaseId;
            try {
                call("lease keepalive", deadline, () -> leases.keepAliveOnce(lease));
                lastRefreshNanos = System.nanoTime();
                refreshDue = false;
                return lease;
            } catch (EtcdCalls.LeaseNotFound e) {
                LOG.info("etcd lease {} has expired; granting a new one", lease);
                leaseId = 0;
                return grantLease(deadline);
            }
        }
    }

    private long grantLease(Deadline deadline) throws DcsException {
        int ttl = timing.ttl();
        LeaseGrantResponse granted = call("lease grant", deadline, () -> leases.grant(ttl));
        leaseId = granted.getID();
        lastRefreshNanos = System.nanoTime();
        refreshDue = false;
        LOG.info("granted etcd lease {} with ttl {} s", leaseId, ttl);
        return leaseId;
    }

    private void forgetLease(long lease) {
        synchronized (leaseLock) {
            if (leaseId == lease) {
                leaseId = 0;
            }
        }
    }

    /** The lease id the member and leader keys are bound to, or empty before the first grant. */
    public OptionalLong currentLease() {
        synchronized (leaseLock) {
            return leaseId == 0 ? OptionalLong.empty() : OptionalLong.of(leaseId);
        }
    }

    // ---------------------------------------------------------------- other keys

    @Override
    public boolean initialize(boolean createNew, String sysid) {
        try {
            if (!createNew) {
                put("initialize", deadline(), KeyLayout.INITIALIZE, sysid, PutOption.DEFAULT);
                return true;
            }
            TxnResponse response = call("initialize", deadline(), () -> kv.txn()
                    .If(absent(KeyLayout.INITIALIZE))
                    .Then(Op.put(key(KeyLayout.INITIALIZE), bytes(sysid), PutOption.DEFAULT))
                    .commit());
            if (response.isSucceeded()) {
                ownWrites.add(response.getHeader().getRevision());
            }
            return response.isSucceeded();
        } catch (DcsException e) {
            LOG.error("Failed to write the initialize key: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean cancelInitialization() {
        return delete("cancel_initialization", KeyLayout.INITIALIZE, OptionalLong.empty());
    }

    @Override
    public boolean setConfigValue(String json, OptionalLong version) {
        return write("set_config_value", KeyLayout.CONFIG, json, version).isPresent();
    }

    @Override
    public boolean setFailoverValue(String json, OptionalLong version) {
        return write("set_failover_value", KeyLayout.FAILOVER, json, version).isPresent();
    }

    @Override
    public OptionalLong setSyncStateValue(String json, OptionalLong version) {
        return write("set_sync_state_value", KeyLayout.SYNC, json, version);
    }

    @Override
    public boolean deleteSyncState(OptionalLong version) {
        return delete("delete_sync_state", KeyLayout.SYNC, version);
    }

    @Override
    public boolean setHistoryValue(String json) {
        return write("set_history_value", KeyLayout.HISTORY, json, OptionalLong.empty()).isPresent();
    }

    @Override
    public boolean writeStatus(String json) {
        return write("write_status", KeyLayout.STATUS, json, OptionalLong.empty()).isPresent();
    }

    @Override
    public boolean writeFailsafe(String json) {
        return write("write_failsafe", KeyLayout.FAILSAFE, json, OptionalLong.empty()).isPresent();
    }

    @Override
    public boolean deleteCluster() {
        try {
            var response = call("delete_cluster", deadline(),
                    () -> kv.delete(key(""), DeleteOption.builder().isPrefix(true).build()));
            ownWrites.add(response.getHeader().getRevision());
            lastMember = null;
            holdsLock = false;
            return true;
        } catch (DcsException e) {
            LOG.error("Failed to delete the cluster's keys: {}", e.getMessage());
            return false;
        }
    }

    /** Plain put, or compare-and-set on mod_revision when a version is given; the new revision on success. */
    private OptionalLong write(String what, String relativeKey, String value, OptionalLong version) {
        try {
            if (version.isEmpty()) {
                return OptionalLong.of(put(what, deadline(), relativeKey, value, PutOption.DEFAULT));
            }
            long expected = version.getAsLong();
            TxnResponse response = call(what, deadline(), () -> kv.txn()
                    .If(new Cmp(key(relativeKey), Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                    .Then(Op.put(key(relativeKey), bytes(value), PutOption.DEFAULT))
                    .commit());
            if (!response.isSucceeded()) {
                LOG.info("{}: {} changed since version {} was read, not written", what, relativeKey, expected);
                return OptionalLong.empty();
            }
            long revision = response.getHeader().getRevision();
            ownWrites.add(revision);
            return OptionalLong.of(revision);
        } catch (DcsException e) {
            LOG.error("Failed to write {}: {}", relativeKey, e.getMessage());
            return OptionalLong.empty();
        }
    }

    private boolean delete(String what, String relativeKey, OptionalLong version) {
        try {
            if (version.isEmpty()) {
                var response = call(what, deadline(), () -> kv.delete(key(relativeKey)));
                ownWrites.add(response.getHeader().getRevision());
                return true;
            }
            long expected = version.getAsLong();
            TxnResponse response = call(what, deadline(), () -> kv.txn()
                    .If(new Cmp(key(relativeKey), Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                    .Then(Op.delete(key(relativeKey), DeleteOption.DEFAULT))
                    .commit());
            if (response.isSucceeded()) {
                ownWrites.add(response.getHeader().getRevision());
            }
            return response.isSucceeded();
        } catch (DcsException e) {
            LOG.error("Failed to delete {}: {}", relativeKey, e.getMessage());
            return false;
        }
    }

    private long put(String what, Deadline deadline, String relativeKey, String value, PutOption option)
            throws DcsException {
        var response = call(what, deadline, () -> kv.put(key(relativeKey), bytes(value), option));
        long revision = response.getHeader().getRevision();
        ownWrites.add(revision);
        return revision;
    }

    // ---------------------------------------------------------------- sleeping between iterations

    @Override
    public boolean watch(OptionalLong leaderVersion, Duration timeout) throws InterruptedException {
        // Each cycle refreshes the lease at least once (from touch_member).
        refreshDue = true;
        if (ttlChanged) {
            ttlChanged = false;
            return true;
        }
        Duration wait = leaderVersion.isPresent() ? timeout.plus(NON_LEADER_EXTRA_WAIT) : timeout;
        return wake.await(wait, ownWrites::contains);
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
            synchronized (leaseLock) {
                // The old lease simply expires; keys move to the new one on their next write.
                leaseId = 0;
            }
            lastMember = null;
            ttlChanged = true;
            LOG.info("ttl changed from {} to {} s: a new etcd lease will be granted", old.ttl(), newTiming.ttl());
        }
    }

    @Override
    public void close() {
        watcher.close();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the etcd client: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- helpers

    private Deadline deadline() {
        return Deadline.after(timing.retryDuration());
    }

    private <T> T call(String what, Deadline deadline, Supplier<CompletableFuture<T>> request) throws DcsException {
        return calls.call(what, deadline, timing.retryDuration(), request);
    }

    private ByteSequence key(String relative) {
        return bytes(basePath + relative);
    }

    private Cmp absent(String relativeKey) {
        return new Cmp(key(relativeKey), Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    }

    private static PutOption withLease(long lease) {
        return PutOption.builder().withLeaseId(lease).build();
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "EtcdDcs[" + config.describeEndpoints() + basePath + "]";
    }
}
