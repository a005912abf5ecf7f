package io.jpatroni.plugin.dcs.zookeeper;

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
import io.jpatroni.plugin.dcs.zookeeper.ZkCalls.Answer;
import io.jpatroni.plugin.dcs.zookeeper.ZkCalls.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's keys as znodes under {@code /<namespace>/<scope>} (dcs.md §3, §4.3).
 *
 * <p>One ZooKeeper session per process, with session timeout = {@code ttl}, is this node's
 * liveness: {@code leader} and {@code members/<name>} are EPHEMERAL znodes of that session, so
 * they vanish together when the session expires; every other key is a persistent znode.
 * Curator keeps the connection (and makes a new session after an expiry); requests go straight
 * to its current ZooKeeper handle through {@link ZkCalls}, which fails a request at once while
 * the connection is down and gives up after {@code retry_timeout}.
 *
 * <p>Voluntarily releasing the lock closes the session and opens a new one, which removes the
 * leader znode and this node's member znode at once (the member key is written again by the
 * next {@link #touchMember}). A ttl change does the same, since a session keeps its timeout.
 */
public final class ZooKeeperDcs implements Dcs {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperDcs.class);
    private static final Duration CRITICAL_WRITE_BUDGET = Duration.ofSeconds(1);
    private static final Duration NON_LEADER_EXTRA_WAIT = Duration.ofMillis(500);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    private static final int ANY_VERSION = -1;

    private final ZooKeeperConfig config;
    private final String basePath; // "/service/scope/"
    private final String root; // "/service/scope"
    private final String memberName;
    private final byte[] me;
    private final WakeSignal wake = new WakeSignal();
    /** Zxids of this node's own writes: ZooKeeper delivers their watch events before their answers. */
    private final OwnWrites ownWrites = new OwnWrites();
    private final ZkCalls calls;
    private final Watcher changes = this::onChange;
    private final Object sessionLock = new Object();

    private volatile CuratorFramework client;
    private volatile DcsTiming timing;
    private volatile boolean holdsLock;
    private volatile boolean ttlChanged;
    private volatile boolean closed;
    private volatile WrittenMember lastMember;

    /** The member znode as last written: skip the write while neither data nor session changed. */
    private record WrittenMember(String json, long session) {
    }

    public ZooKeeperDcs(ZooKeeperConfig config, DcsSettings settings) {
        this.config = config;
        this.basePath = settings.basePath();
        this.root = basePath.substring(0, basePath.length() - 1);
        this.memberName = settings.memberName();
        this.me = bytes(memberName);
        this.timing = settings.timing();
        this.calls = new ZkCalls(config.connectString(), new ZkCalls.Handles() {
            @Override
            public ZooKeeper current() throws Exception {
                return client.getZookeeperClient().getZooKeeper();
            }

            @Override
            public boolean connected() {
                return client.getZookeeperClient().isConnected();
            }

            @Override
            public boolean awaitConnected(long nanos) throws InterruptedException {
                return client.blockUntilConnected((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)),
                        TimeUnit.MILLISECONDS);
            }
        });
        this.client = newClient(settings.timing());
        client.start();
        LOG.info("ZooKeeper at {} for {} (member {}, session timeout {} s)", config.connectString(), root, memberName,
                settings.timing().ttl());
    }

    private CuratorFramework newClient(DcsTiming t) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs(t.ttl() * 1000)
                // Patroni tries each server for at most max(1, retry_timeout / 2) s.
                .connectionTimeoutMs(Math.max(1, t.retryTimeout() / 2) * 1000)
                .retryPolicy(new RetryNTimes(0, 0)) // ZkCalls retries, bounded by retry_timeout
                .ensembleTracker(false)
                .waitForShutdownTimeoutMs((int) CLOSE_WAIT.toMillis());
        if (!config.authData().isEmpty()) {
            builder.authorization(config.authData().keySet().stream()
                    .map(scheme -> new AuthInfo(scheme, config.credential(scheme))).toList());
        }
        CuratorFramework created = builder.build();
        created.getConnectionStateListenable().addListener((source, state) -> onConnectionState(source, state));
        return created; // started by the caller once it is the current client, so that its events count

    }

    // ---------------------------------------------------------------- connection and watches

    private void onConnectionState(CuratorFramework source, ConnectionState state) {
        if (source != client || closed) {
            return; // an old session's client
        }
        LOG.info("ZooKeeper connection {}", state);
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
            watchBasePath(source);
        }
        if (state != ConnectionState.CONNECTED) {
            // Lost, suspended, or back (maybe with a new session): the loop should look at once.
            wake.set();
        }
    }

    /** One persistent recursive watch on the base path; the client re-registers it on reconnects of the same session. */
    private void watchBasePath(CuratorFramework source) {
        try {
            ZooKeeper zk = source.getZookeeperClient().getZooKeeper();
            zk.addWatch(root, changes, AddWatchMode.PERSISTENT_RECURSIVE, (rc, path, ctx) -> {
                if (rc != Code.OK.intValue()) {
                    LOG.warn("could not watch {}: {}", root, Code.get(rc));
                }
            }, null);
        } catch (Exception e) {
            LOG.warn("could not watch {}: {}", root, e.toString());
        }
    }

    /** Leader and config changes wake the loop; status too, for nodes that are not the leader (as with etcd). */
    private void onChange(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None || event.getPath() == null
                || !event.getPath().startsWith(basePath)) {
            return;
        }
        String key = event.getPath().substring(basePath.length());
        boolean wakes = switch (key) {
            case KeyLayout.LEADER, KeyLayout.CONFIG, KeyLayout.FAILOVER -> true;
            case KeyLayout.STATUS, KeyLayout.LEGACY_OPTIME -> !holdsLock;
            default -> false;
        };
        if (wakes) {
            wake.changedAt(event.getZxid());
        }
    }

    /** Closes the session (its ephemeral znodes vanish now) and opens a new one. */
    private void restartSession(DcsTiming t, String why) {
        restartSession(t, why, CLOSE_WAIT);
    }

    /** @param closeWait how long to wait for the old session's close (bounded by the caller's budget) */
    private void restartSession(DcsTiming t, String why, Duration closeWait) {
        synchronized (sessionLock) {
            if (closed) {
                return;
            }
            LOG.info("restarting the ZooKeeper session: {}", why);
            CuratorFramework old = client;
            lastMember = null;
            holdsLock = false;
            closeBounded(old, closeWait);
            client = newClient(t);
            client.start();
        }
    }

    /** Closing sends closeSession; with the server gone it could wait, so the wait is bounded. */
    private static void closeBounded(CuratorFramework old, Duration wait) {
        Thread closer = new Thread(old::close, "zookeeper-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Cluster getCluster() throws DcsException {
        Deadline deadline = deadline();
        Answer listing = calls.call("get_cluster", deadline,
                multi(List.of(Op.getChildren(root), Op.getChildren(path(KeyLayout.MEMBERS)))));
        if (listing.results() == null) {
            throw new DcsException("get_cluster failed: ZooKeeper answered " + listing.rc());
        }
        List<String> keys = new ArrayList<>();
        List<String> topLevel = children(listing.results().get(0));
        for (String child : topLevel) {
            switch (child) {
                case KeyLayout.INITIALIZE, KeyLayout.CONFIG, KeyLayout.LEADER, KeyLayout.STATUS, KeyLayout.FAILOVER,
                        KeyLayout.SYNC, KeyLayout.HISTORY, KeyLayout.FAILSAFE -> keys.add(child);
                case "optime" -> keys.add(KeyLayout.LEGACY_OPTIME);
                default -> {
                    // members/ is listed separately; anything else is not Patroni's
                }
            }
        }
        if (topLevel.contains("members")) {
            children(listing.results().get(1)).forEach(name -> keys.add(KeyLayout.MEMBERS + name));
        }
        List<KeyLayout.Node> nodes = new ArrayList<>();
        if (!keys.isEmpty()) {
            List<Op> reads = keys.stream().map(k -> Op.getData(path(k))).toList();
            Answer values = calls.call("get_cluster", deadline, multi(reads));
            if (values.results() == null) {
                throw new DcsException("get_cluster failed: ZooKeeper answered " + values.rc());
            }
            for (int i = 0; i < keys.size(); i++) {
                if (values.results().get(i) instanceof OpResult.GetDataResult data) {
                    nodes.add(node(keys.get(i), data.getData(), data.getStat()));
                } // else it vanished between the two reads
            }
        }
        Cluster cluster = KeyLayout.assemble(nodes);
        forgetMemberIfChanged(cluster.member(memberName));
        holdsLock = cluster.leader().map(l -> l.name().equals(memberName)).orElse(false);
        return cluster;
    }

    /** Versions per dcs.md §1.2: znode version, except history (mzxid) and config's modifyVersion (mzxid). */
    private static KeyLayout.Node node(String key, byte[] data, Stat stat) {
        String value = data == null ? "" : new String(data, StandardCharsets.UTF_8);
        String session = stat.getEphemeralOwner() == 0 ? null : Long.toString(stat.getEphemeralOwner());
        return switch (key) {
            case KeyLayout.HISTORY -> new KeyLayout.Node(key, value, stat.getMzxid(), stat.getMzxid(), session);
            case KeyLayout.CONFIG -> new KeyLayout.Node(key, value, stat.getVersion(), stat.getMzxid(), session);
            default -> new KeyLayout.Node(key, value, stat.getVersion(), stat.getVersion(), session);
        };
    }

    private static List<String> children(OpResult result) {
        return result instanceof OpResult.GetChildrenResult list ? list.getChildren() : List.of();
    }

    /** A member znode that vanished, changed hands or was rewritten by someone else must be written again. */
    private void forgetMemberIfChanged(Optional<Member> stored) {
        WrittenMember written = lastMember;
        if (written == null) {
            return;
        }
        boolean same = stored.isPresent() && stored.get().value().equals(written.json())
                && Long.toString(written.session()).equals(stored.get().session());
        if (!same) {
            lastMember = null;
        }
    }

    // ---------------------------------------------------------------- the leader lock

    @Override
    public boolean attemptToAcquireLeader() throws DcsException {
        Deadline deadline = deadline();
        deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "attempt_to_acquire_leader");
        Answer created = createWithParents("attempt_to_acquire_leader", deadline, KeyLayout.LEADER, me,
                CreateMode.EPHEMERAL);
        boolean mine = created.ok() || created.rc() == Code.NODEEXISTS && leaderOwnedBy(deadline, created.session());
        if (!created.ok() && created.rc() != Code.NODEEXISTS) {
            LOG.error("Failed to create {}: {}", path(KeyLayout.LEADER), created.rc());
        }
        if (!mine) {
            LOG.info("Could not take out TTL lock");
        }
        holdsLock = mine;
        return mine;
    }

    /** A retried create may have succeeded the first time: then the existing znode is our own. */
    private boolean leaderOwnedBy(Deadline deadline, long session) throws DcsException {
        Answer read = calls.call("attempt_to_acquire_leader", deadline, getData(path(KeyLayout.LEADER)));
        return read.ok() && read.stat().getEphemeralOwner() == session && session != 0;
    }

    @Override
    public boolean updateLeader(Leader current) throws DcsException {
        Deadline deadline = deadline();
        long session = calls.connectedSession("update_leader", deadline);
        if (current != null && current.name().equals(memberName) && Long.toString(session).equals(current.session())) {
            // The lock is an ephemeral znode of this live session: the session's pings are the heartbeat.
            holdsLock = true;
            return true;
        }
        deadline.requireAtLeast(CRITICAL_WRITE_BUDGET, "update_leader");
        Answer read = calls.call("update_leader", deadline, getData(path(KeyLayout.LEADER)));
        if (read.ok()) {
            if (read.stat().getEphemeralOwner() == read.session()) {
                holdsLock = true;
                return true;
            }
            if (!memberName.equals(text(read.data()))) {
                holdsLock = false;
                return false;
            }
            // My name, but bound to a session of mine that is gone: move it to this session.
            LOG.warn("Recreating the leader ZNode due to ownership mismatch");
            Answer deleted = calls.call("update_leader", deadline,
                    delete(path(KeyLayout.LEADER), read.stat().getVersion()));
            if (!deleted.ok() && deleted.rc() != Code.NONODE) {
                LOG.error("Failed to remove {}: {}", path(KeyLayout.LEADER), deleted.rc());
                holdsLock = false;
                return false;
            }
        } else if (read.rc() != Code.NONODE) {
            LOG.error("Failed to read {}: {}", path(KeyLayout.LEADER), read.rc());
            holdsLock = false;
            return false;
        }
        Answer created = createWithParents("update_leader", deadline, KeyLayout.LEADER, me, CreateMode.EPHEMERAL);
        boolean mine = created.ok() || created.rc() == Code.NODEEXISTS && leaderOwnedBy(deadline, created.session());
        holdsLock = mine;
        return mine;
    }

    @Override
    public boolean deleteLeader(Leader current) {
        boolean mine;
        Deadline deadline = deadline();
        try {
            Answer read = calls.call("delete_leader", deadline, getData(path(KeyLayout.LEADER)));
            mine = read.ok() && memberName.equals(text(read.data()));
        } catch (DcsException e) {
            // Closing the session still makes the lock expire after ttl instead of being kept alive.
            LOG.error("Failed to read the leader key before deleting it: {}", e.getMessage());
            // The read used up the budget: do not wait for a server that is gone to confirm the close.
            restartSession(timing, "delete leader while ZooKeeper is unreachable", deadline.remaining());
            return false;
        }
        if (!mine) {
            return false;
        }
        // Closing the session removes the leader znode and this node's member znode in one go.
        restartSession(timing, "release the leader lock", CLOSE_WAIT.compareTo(deadline.remaining()) < 0
                ? CLOSE_WAIT : deadline.remaining());
        return true;
    }

    @Override
    public boolean takeLeader() {
        try {
            Deadline deadline = deadline();
            Answer created = createWithParents("take_leader", deadline, KeyLayout.LEADER, me, CreateMode.EPHEMERAL);
            boolean mine = created.ok() || created.rc() == Code.NODEEXISTS && leaderOwnedBy(deadline, created.session());
            holdsLock = mine;
            return mine;
        } catch (DcsException e) {
            LOG.error("Failed to write the leader key: {}", e.getMessage());
            return false;
        }
    }

    // ---------------------------------------------------------------- member key

    @Override
    public boolean touchMember(String json) {
        String path = path(KeyLayout.MEMBERS + memberName);
        byte[] data = bytes(json);
        try {
            Deadline deadline = deadline();
            long session = calls.connectedSession("touch_member", deadline);
            WrittenMember written = lastMember;
            if (written != null && written.session() == session) {
                if (written.json().equals(json)) {
                    return true;
                }
                Answer set = calls.call("touch_member", deadline, setData(path, data, ANY_VERSION));
                if (set.ok()) {
                    lastMember = new WrittenMember(json, set.session());
                    return true;
                }
                if (set.rc() != Code.NONODE) {
                    LOG.error("touch_member: {} answered {}", path, set.rc());
                    lastMember = null;
                    return false;
                }
            }
            Answer created = createWithParents("touch_member", deadline, KeyLayout.MEMBERS + memberName, data,
                    CreateMode.EPHEMERAL);
            if (created.ok()) {
                lastMember = new WrittenMember(json, created.session());
                return true;
            }
            if (created.rc() != Code.NODEEXISTS) {
                LOG.error("touch_member: creating {} answered {}", path, created.rc());
                lastMember = null;
                return false;
            }
            // It exists: ours (set its data) or left by another session (replace it, so that it expires with ours).
            Answer read = calls.call("touch_member", deadline, getData(path));
            if (read.ok() && read.stat().getEphemeralOwner() == read.session()) {
                Answer set = calls.call("touch_member", deadline, setData(path, data, read.stat().getVersion()));
                if (set.ok()) {
                    lastMember = new WrittenMember(json, set.session());
                    return true;
                }
                lastMember = null;
                return false;
            }
            if (read.ok()) {
                calls.call("touch_member", deadline, delete(path, read.stat().getVersion()));
            }
            Answer again = createWithParents("touch_member", deadline, KeyLayout.MEMBERS + memberName, data,
                    CreateMode.EPHEMERAL);
            lastMember = again.ok() ? new WrittenMember(json, again.session()) : null;
            return again.ok();
        } catch (DcsException e) {
            lastMember = null;
            LOG.error("Failed to update member key: {}", e.getMessage());
            return false;
        }
    }

    // ---------------------------------------------------------------- other keys

    @Override
    public boolean initialize(boolean createNew, String sysid) {
        try {
            if (createNew) {
                Answer created = createWithParents("initialize", deadline(), KeyLayout.INITIALIZE, bytes(sysid),
                        CreateMode.PERSISTENT);
                if (!created.ok() && created.rc() != Code.NODEEXISTS) {
                    LOG.error("Failed to create {}: {}", path(KeyLayout.INITIALIZE), created.rc());
                }
                return created.ok();
            }
            return setOrCreate("initialize", KeyLayout.INITIALIZE, sysid, OptionalLong.empty()).isPresent();
        } catch (DcsException e) {
            LOG.error("Failed to write the initialize key: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public boolean cancelInitialization() {
        try {
            Deadline deadline = deadline();
            Answer read = calls.call("cancel_initialization", deadline, getData(path(KeyLayout.INITIALIZE)));
            if (read.rc() == Code.NONODE) {
                return true;
            }
            if (!read.ok()) {
                LOG.error("Unable to delete initialize key: {}", read.rc());
                return false;
            }
            Answer deleted = calls.call("cancel_initialization", deadline,
                    delete(path(KeyLayout.INITIALIZE), read.stat().getVersion()));
            if (!deleted.ok() && deleted.rc() != Code.NONODE) {
                LOG.error("Unable to delete initialize key: {}", deleted.rc());
                return false;
            }
            return true;
        } catch (DcsException e) {
            LOG.error("Unable to delete initialize key: {}", e.getMessage());
            return false;
        }
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

    /** ZooKeeper keeps the znode and writes {@code {}} (dcs.md §2.5); it reads as "no sync state". */
    @Override
    public boolean deleteSyncState(OptionalLong version) {
        return write("delete_sync_state", KeyLayout.SYNC, "{}", version).isPresent();
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
            Deadline deadline = deadline();
            calls.connectedSession("delete_cluster", deadline);
            client.delete().deletingChildrenIfNeeded().forPath(root);
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            // nothing to delete
        } catch (Exception e) {
            LOG.error("Failed to delete the cluster's keys: {}", e.getMessage());
            return false;
        }
        lastMember = null;
        holdsLock = false;
        return true;
    }

    private OptionalLong write(String what, String key, String value, OptionalLong version) {
        try {
            return setOrCreate(what, key, value, version);
        } catch (DcsException e) {
            LOG.error("Failed to write {}: {}", key, e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * Sets the znode's data, compare-and-set on its version when one is given; creates it when
     * absent and no version was given. Returns the new znode version.
     */
    private OptionalLong setOrCreate(String what, String key, String value, OptionalLong version) throws DcsException {
        Deadline deadline = deadline();
        String path = path(key);
        byte[] data = bytes(value);
        int expected = version.isPresent() ? zkVersion(version.getAsLong()) : ANY_VERSION;
        for (int round = 0; round < 2; round++) {
            Answer set = calls.call(what, deadline, setData(path, data, expected));
            if (set.ok()) {
                ownWrites.add(set.stat().getMzxid());
                return OptionalLong.of(set.stat().getVersion());
            }
            if (set.rc() == Code.BADVERSION) {
                LOG.info("{}: {} changed since version {} was read, not written", what, key, version.getAsLong());
                return OptionalLong.empty();
            }
            if (set.rc() != Code.NONODE) {
                LOG.error("{}: {} answered {}", what, path, set.rc());
                return OptionalLong.empty();
            }
            if (version.isPresent()) {
                LOG.info("{}: {} does not exist any more, not written", what, key);
                return OptionalLong.empty();
            }
            Answer created = createWithParents(what, deadline, key, data, CreateMode.PERSISTENT);
            if (created.ok()) {
                return OptionalLong.of(created.stat().getVersion());
            }
            if (created.rc() != Code.NODEEXISTS) {
                LOG.error("{}: creating {} answered {}", what, path, created.rc());
                return OptionalLong.empty();
            }
            // Created by someone else meanwhile: set it after all.
        }
        return OptionalLong.empty();
    }

    /** A version that does not fit ZooKeeper's int can never match. */
    private static int zkVersion(long version) {
        return version < 0 || version > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) version;
    }

    /** Creates the znode, and its missing parents (persistent, empty) if needed. */
    private Answer createWithParents(String what, Deadline deadline, String key, byte[] data, CreateMode mode)
            throws DcsException {
        String path = path(key);
        Answer created = calls.call(what, deadline, create(path, data, mode));
        if (created.rc() == Code.NONODE) {
            for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
                Answer parent = calls.call(what, deadline, create(path.substring(0, slash), new byte[0],
                        CreateMode.PERSISTENT));
                if (!parent.ok() && parent.rc() != Code.NODEEXISTS) {
                    return parent;
                }
            }
            created = calls.call(what, deadline, create(path, data, mode));
        }
        if (created.ok() && created.stat() != null) {
            ownWrites.add(created.stat().getMzxid());
        }
        return created;
    }

    // ---------------------------------------------------------------- requests

    private Request create(String path, byte[] data, CreateMode mode) {
        return (zk, answer) -> zk.create(path, data, config.aclsForCreate(), mode,
                (AsyncCallback.Create2Callback) (rc, p, ctx, name, stat) -> answer.complete(Answer.of(rc).withStat(stat)),
                null);
    }

    private static Request getData(String path) {
        return (zk, answer) -> zk.getData(path, false,
                (rc, p, ctx, data, stat) -> answer.complete(Answer.of(rc).withData(data, stat)), null);
    }

    private static Request setData(String path, byte[] data, int version) {
        return (zk, answer) -> zk.setData(path, data, version,
                (rc, p, ctx, stat) -> answer.complete(Answer.of(rc).withStat(stat)), null);
    }

    private static Request delete(String path, int version) {
        return (zk, answer) -> zk.delete(path, version, (rc, p, ctx) -> answer.complete(Answer.of(rc)), null);
    }

    /**
     * A read-only multi: one consistent snapshot. A missing znode is an error result in its place
     * (the overall code then names the first such error, but the other results are valid).
     */
    private static Request multi(List<Op> ops) {
        return (zk, answer) -> zk.multi(ops,
                (rc, p, ctx, results) -> answer.complete(Answer.of(rc).withResults(results)), null);
    }

    // ---------------------------------------------------------------- sleeping between iterations

    @Override
    public boolean watch(OptionalLong leaderVersion, Duration timeout) throws InterruptedException {
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
            // A session keeps the timeout it was opened with: a new ttl needs a new session.
            restartSession(newTiming, "ttl changed from " + old.ttl() + " to " + newTiming.ttl() + " s");
            ttlChanged = true;
        } else if (old.retryTimeout() != newTiming.retryTimeout() || old.loopWait() != newTiming.loopWait()) {
            LOG.debug("retry_timeout/loop_wait changed: used from the next request on");
        }
    }

    @Override
    public void close() {
        synchronized (sessionLock) {
            if (closed) {
                return;
            }
            closed = true;
            closeBounded(client, CLOSE_WAIT);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The current ZooKeeper handle (tests look at its session). */
    ZooKeeper zooKeeper() throws Exception {
        return client.getZookeeperClient().getZooKeeper();
    }

    private Deadline deadline() {
        return Deadline.after(timing.retryDuration());
    }

    private String path(String key) {
        return key.endsWith("/") ? basePath + key.substring(0, key.length() - 1) : basePath + key;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] data) {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ZooKeeperDcs[" + config.connectString() + root + "]";
    }
}
