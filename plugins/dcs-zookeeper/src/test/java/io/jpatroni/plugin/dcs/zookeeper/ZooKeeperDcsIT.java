package io.jpatroni.plugin.dcs.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.StoredValue;
import io.jpatroni.api.plugin.PluginContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * ZooKeeper-specific behaviour (dcs.md §1.2, §3.2, §4.3) against a real ZooKeeper 3.9 server:
 * ephemeral znodes of one session, versions from the znode stat, the session restart that
 * releases the lock, ownership repair, ACLs and credentials. What every backend shares is
 * checked by {@link ZooKeeperContractIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperDcsIT {

    private static final DcsTiming FAST = new DcsTiming(5, 1, 2);
    private static final AtomicInteger SCOPES = new AtomicInteger();

    private ZooKeeperTestServer server;
    private ZooKeeper raw;
    private final List<ZooKeeperDcs> opened = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeAll
    void start() throws Exception {
        server = ZooKeeperTestServer.start();
        raw = ZooKeeperTestServer.rawClient(server.hostPort());
    }

    @AfterEach
    void closeClients() {
        opened.forEach(ZooKeeperDcs::close);
        opened.clear();
    }

    @AfterAll
    void stop() throws Exception {
        pool.shutdownNow();
        if (raw != null) {
            raw.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String newScope() {
        return "zk-" + SCOPES.incrementAndGet();
    }

    private ZooKeeperDcs open(String scope, String member, Map<String, Object> options, DcsTiming timing)
            throws DcsException {
        DcsSettings settings = new DcsSettings("zookeeper", options, "/service/", scope, member, timing);
        ZooKeeperDcs dcs = (ZooKeeperDcs) new ZooKeeperDcsProvider().create(settings,
                new PluginContext(Clock.systemUTC(), member, scope, "test"));
        opened.add(dcs);
        return dcs;
    }

    private ZooKeeperDcs open(String scope, String member) throws DcsException {
        return open(scope, member, Map.of("hosts", server.hostPort()), FAST);
    }

    private Stat stat(String path) throws Exception {
        Stat stat = raw.exists(path, false);
        if (stat == null) {
            throw new AssertionError(path + " does not exist");
        }
        return stat;
    }

    private static String base(String scope) {
        return "/service/" + scope + "/";
    }

    @Test
    void leaderAndMemberAreEphemeralZnodesOfMySessionOtherKeysArePersistent() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        assertTrue(node.initialize(true, ""));
        assertTrue(node.setConfigValue("{}", OptionalLong.empty()));
        long session = node.zooKeeper().getSessionId();
        assertEquals(session, stat(base(scope) + "leader").getEphemeralOwner());
        assertEquals(session, stat(base(scope) + "members/node").getEphemeralOwner());
        assertEquals(0, stat(base(scope) + "initialize").getEphemeralOwner());
        assertEquals(0, stat(base(scope) + "config").getEphemeralOwner());
        assertEquals(0, stat(base(scope) + "members").getEphemeralOwner());
        Cluster cluster = node.getCluster();
        assertEquals(Long.toString(session), cluster.leader().orElseThrow().session());
        assertEquals(FAST.ttl() * 1000, node.zooKeeper().getSessionTimeout(), "session timeout is not ttl");
    }

    @Test
    void updatingMyOwnLockSendsNoWrite() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.attemptToAcquireLeader());
        Leader leader = node.getCluster().leader().orElseThrow();
        Stat before = stat(base(scope) + "leader");
        long lastZxid = stat(base(scope).substring(0, base(scope).length() - 1)).getPzxid();
        for (int i = 0; i < 20; i++) {
            assertTrue(node.updateLeader(leader));
        }
        Stat after = stat(base(scope) + "leader");
        assertEquals(before.getMzxid(), after.getMzxid());
        assertEquals(before.getCzxid(), after.getCzxid(), "the leader znode was re-created");
        assertEquals(lastZxid, stat(base(scope).substring(0, base(scope).length() - 1)).getPzxid());
    }

    @Test
    void deletingTheLeaderRestartsTheSessionAndTheMemberKeyComesBackOnTheNextTouch() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.touchMember("{\"a\":1}"));
        assertTrue(node.attemptToAcquireLeader());
        long first = node.zooKeeper().getSessionId();
        assertTrue(node.deleteLeader(node.getCluster().leader().orElseThrow()));
        assertTrue(raw.exists(base(scope) + "leader", false) == null, "leader znode survived");
        assertTrue(raw.exists(base(scope) + "members/node", false) == null, "member znode survived the old session");
        assertTrue(node.touchMember("{\"a\":1}"), "touch_member after the restart");
        long second = node.zooKeeper().getSessionId();
        assertNotEquals(first, second);
        assertEquals(second, stat(base(scope) + "members/node").getEphemeralOwner());
    }

    @Test
    void versionsFollowTheZnodeStat() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        assertTrue(node.setConfigValue("{\"ttl\":31}", OptionalLong.of(0)));
        assertTrue(node.setHistoryValue("[]"));
        assertTrue(node.setFailoverValue("{}", OptionalLong.empty()));
        OptionalLong sync = node.setSyncStateValue("{\"leader\":\"node\"}", OptionalLong.empty());
        Cluster cluster = node.getCluster();

        Stat config = stat(base(scope) + "config");
        StoredValue storedConfig = cluster.config().orElseThrow();
        assertEquals(config.getVersion(), storedConfig.version(), "config version = znode version (CAS)");
        assertEquals(1, storedConfig.version());
        assertEquals(config.getMzxid(), storedConfig.modifyVersion(), "config modifyVersion = mzxid");
        Stat history = stat(base(scope) + "history");
        assertEquals(history.getMzxid(), cluster.history().orElseThrow().version(), "history version = mzxid");
        assertEquals(stat(base(scope) + "failover").getVersion(), cluster.failover().orElseThrow().version());
        assertEquals(stat(base(scope) + "sync").getVersion(), sync.getAsLong());
        assertEquals(sync.getAsLong(), cluster.sync().orElseThrow().version());
    }

    @Test
    void deletingTheSyncStateWritesAnEmptyObject() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        OptionalLong version = node.setSyncStateValue("{\"leader\":\"node\",\"sync_standby\":\"b\"}", OptionalLong.empty());
        assertTrue(node.deleteSyncState(version));
        assertEquals("{}", new String(raw.getData(base(scope) + "sync", false, null), UTF_8));
        assertEquals(1, stat(base(scope) + "sync").getVersion());
    }

    @Test
    void myLockBoundToAnOldSessionIsMovedToTheCurrentOne() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.touchMember("{}")); // creates the parents
        // A leader znode with my name, owned by another session (as after a restart of this node).
        raw.create(base(scope) + "leader", "node".getBytes(UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        Leader stale = node.getCluster().leader().orElseThrow();
        assertEquals(Long.toString(raw.getSessionId()), stale.session());
        assertTrue(node.updateLeader(stale));
        assertEquals(node.zooKeeper().getSessionId(), stat(base(scope) + "leader").getEphemeralOwner());

        // Someone else's lock is never taken over.
        String other = newScope();
        ZooKeeperDcs second = open(other, "node");
        assertTrue(second.touchMember("{}"));
        raw.create(base(other) + "leader", "someone".getBytes(UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertFalse(second.updateLeader(second.getCluster().leader().orElseThrow()));
        assertEquals(raw.getSessionId(), stat(base(other) + "leader").getEphemeralOwner());
    }

    @Test
    void aMemberZnodeLeftByAnotherSessionIsReplaced() throws Exception {
        String scope = newScope();
        createQuietly("/service");
        createQuietly("/service/" + scope);
        createQuietly(base(scope) + "members");
        raw.create(base(scope) + "members/node", "{\"old\":true}".getBytes(UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL);
        ZooKeeperDcs node = open(scope, "node");
        assertTrue(node.touchMember("{\"new\":true}"));
        assertEquals(node.zooKeeper().getSessionId(), stat(base(scope) + "members/node").getEphemeralOwner());
        assertEquals("{\"new\":true}", new String(raw.getData(base(scope) + "members/node", false, null), UTF_8));
    }

    private void createQuietly(String path) throws Exception {
        try {
            raw.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // already there
        }
    }

    @Test
    void setAclsRestrictTheZnodesANodeCreates() throws Exception {
        String scope = newScope();
        // Parents created by a node without ACLs: under an x509-only parent nobody without a
        // client certificate could create anything (the same holds for Patroni).
        assertTrue(open(scope, "plain").touchMember("{}"));
        // The in-JVM server knows the x509 scheme only when TLS is configured; register it so that it accepts the ACL.
        System.setProperty("zookeeper.authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        ProviderRegistry.addOrUpdateProvider("zookeeper.authProvider.x509");
        ZooKeeperDcs node = open(scope, "node", Map.of("hosts", server.hostPort(),
                "set_acls", Map.of("CN=patroni", List.of("ALL"))), FAST);
        assertTrue(node.initialize(true, ""));
        // Only CN=patroni (by client certificate) may touch it now: an unauthenticated client may not
        // even read it (the exact ACL list is checked in ZooKeeperConfigTest).
        assertThrows(KeeperException.NoAuthException.class,
                () -> raw.getData(base(scope) + "initialize", false, null));
        assertThrows(KeeperException.NoAuthException.class, () -> raw.getACL(base(scope) + "initialize", new Stat()));
        raw.getData(base(scope) + "members/plain", false, null); // created without ACLs: open
    }

    @Test
    void authDataIsAddedToTheSession() throws Exception {
        String scope = newScope();
        ZooKeeperDcs node = open(scope, "node", Map.of("hosts", server.hostPort(),
                "auth_data", Map.of("digest", "jpatroni:secret")), FAST);
        assertTrue(node.touchMember("{}"));
        assertTrue(node.zooKeeper().whoAmI().stream()
                        .anyMatch(info -> info.getAuthScheme().equals("digest") && info.getUser().equals("jpatroni")),
                "session not authenticated: " + node.zooKeeper().whoAmI());
    }

    @Test
    void aTtlChangeOpensASessionWithTheNewTimeout() throws Exception {
        ZooKeeperDcs node = open(newScope(), "node");
        assertTrue(node.touchMember("{}"));
        node.setTiming(new DcsTiming(12, 1, 2));
        assertTrue(node.touchMember("{}"));
        assertEquals(12_000, node.zooKeeper().getSessionTimeout());
    }

    @Test
    void losingTheConnectionWakesTheLoop() throws Exception {
        try (ZooKeeperTestServer doomed = ZooKeeperTestServer.start()) {
            ZooKeeperDcs node = open(newScope(), "node", Map.of("hosts", doomed.hostPort()), new DcsTiming(10, 1, 2));
            assertTrue(node.touchMember("{}"));
            node.watch(OptionalLong.empty(), Duration.ZERO);
            Future<Boolean> sleeping = pool.submit(() -> node.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
            TimeUnit.MILLISECONDS.sleep(300);
            long started = System.nanoTime();
            doomed.kill();
            assertTrue(sleeping.get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "woken only after "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
    }
}
