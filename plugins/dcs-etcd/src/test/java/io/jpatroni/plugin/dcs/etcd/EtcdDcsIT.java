package io.jpatroni.plugin.dcs.etcd;

import io.jpatroni.testing.EtcdServer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.plugin.PluginContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The etcd backend against a real etcd 3.4 server (Debian's /usr/bin/etcd). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdDcsIT {

    /** Small ttl so that expiry tests finish quickly; loop_wait + 2 × retry_timeout ≤ ttl. */
    private static final DcsTiming FAST = new DcsTiming(5, 1, 2);
    private static final AtomicInteger SCOPES = new AtomicInteger();

    private EtcdServer etcd;
    private Client raw;
    private final List<EtcdDcs> opened = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeAll
    void startEtcd() throws Exception {
        Assumptions.assumeTrue(EtcdServer.available(), "no etcd binary at " + EtcdServer.BINARY);
        etcd = EtcdServer.start();
        raw = Client.builder().endpoints(etcd.clientUrl()).build();
    }

    @AfterEach
    void closeClients() {
        opened.forEach(EtcdDcs::close);
        opened.clear();
    }

    @AfterAll
    void stopEtcd() throws Exception {
        pool.shutdownNow();
        if (raw != null) {
            raw.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private String newScope() {
        return "it-" + SCOPES.incrementAndGet();
    }

    private EtcdDcs open(String scope, String member, DcsTiming timing) throws DcsException {
        return open(etcd, scope, member, timing);
    }

    private EtcdDcs open(EtcdServer server, String scope, String member, DcsTiming timing) throws DcsException {
        DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of(server.hostPort())), "/service/",
                scope, member, timing);
        EtcdDcs dcs = (EtcdDcs) new EtcdDcsProvider().create(settings,
                new PluginContext(Clock.systemUTC(), member, scope, "test"));
        opened.add(dcs);
        return dcs;
    }

    private Optional<KeyValue> rawGet(String key) throws Exception {
        List<KeyValue> kvs = raw.getKVClient().get(ByteSequence.from(key, UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }

    /** Runs the tasks so that they start at the same instant; returns their results in order. */
    private <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void initializeRaceHasExactlyOneWinner() throws Exception {
        String scope = newScope();
        List<EtcdDcs> contenders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contenders.add(open(scope, "node" + i, FAST));
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> () -> d.initialize(true, "")).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "winners: " + won);

        Cluster cluster = contenders.get(0).getCluster();
        assertEquals("", cluster.initialize().orElseThrow().value());
        // The winner then pins the system identifier without a condition.
        EtcdDcs winner = contenders.get(won.indexOf(true));
        assertTrue(winner.initialize(false, "7368210843297823012"));
        assertEquals("7368210843297823012", winner.getCluster().initialize().orElseThrow().value());
        // createNew on an initialised cluster is refused.
        assertFalse(contenders.get(0).initialize(true, "1"));
        assertTrue(winner.cancelInitialization());
        assertTrue(winner.getCluster().initialize().isEmpty());
    }

    @Test
    void exactlyOneOfManyAcquiresTheLeaderLock() throws Exception {
        String scope = newScope();
        List<EtcdDcs> contenders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            contenders.add(open(scope, "node" + i, FAST));
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> d::attemptToAcquireLeader).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "winners: " + won);
        int index = won.indexOf(true);
        EtcdDcs winner = contenders.get(index);

        Leader leader = winner.getCluster().leader().orElseThrow();
        assertEquals("node" + index, leader.name());
        assertEquals(Long.toString(winner.currentLease().orElseThrow()), leader.session());
        // A second attempt by a loser still fails.
        assertFalse(contenders.get((index + 1) % contenders.size()).attemptToAcquireLeader());
    }

    @Test
    void renewalKeepsTheLockBeyondTtlAndTheMemberKeyToo() throws Exception {
        String scope = newScope();
        EtcdDcs holder = open(scope, "holder", FAST);
        EtcdDcs other = open(scope, "other", FAST);
        assertTrue(holder.touchMember("{\"state\":\"running\"}"));
        assertTrue(holder.attemptToAcquireLeader());
        long end = System.nanoTime() + Duration.ofSeconds(FAST.ttl() + 3).toNanos();
        while (System.nanoTime() < end) {
            Cluster cluster = holder.getCluster();
            assertTrue(holder.updateLeader(cluster.leader().orElseThrow()), "update_leader refused");
            assertTrue(holder.touchMember("{\"state\":\"running\"}"));
            assertFalse(other.attemptToAcquireLeader());
            holder.watch(OptionalLong.empty(), Duration.ofSeconds(FAST.loopWait()));
        }
        Cluster cluster = other.getCluster();
        assertEquals("holder", cluster.leader().orElseThrow().name());
        assertTrue(cluster.member("holder").isPresent());
    }

    @Test
    void aHolderThatStopsRefreshingLosesLeaderAndMemberKeysAfterTtl() throws Exception {
        String scope = newScope();
        EtcdDcs holder = open(scope, "holder", FAST);
        EtcdDcs other = open(scope, "other", FAST);
        assertTrue(holder.touchMember("{\"state\":\"running\"}"));
        assertTrue(holder.attemptToAcquireLeader());
        long stopped = System.nanoTime();
        holder.close(); // no delete: the lease just stops being refreshed

        Cluster stillThere = other.getCluster();
        assertEquals("holder", stillThere.leader().orElseThrow().name(), "lock vanished before ttl");
        assertTrue(stillThere.member("holder").isPresent());

        Cluster cluster = stillThere;
        while (cluster.leader().isPresent() || cluster.member("holder").isPresent()) {
            assertTrue(System.nanoTime() - stopped < Duration.ofSeconds(FAST.ttl() + 4).toNanos(),
                    "keys still present " + (FAST.ttl() + 4) + " s after the holder stopped");
            TimeUnit.MILLISECONDS.sleep(200);
            cluster = other.getCluster();
        }
        long gone = System.nanoTime() - stopped;
        assertTrue(gone > Duration.ofSeconds(FAST.ttl() - 1).toNanos(), "expired too early: " + gone / 1_000_000 + " ms");
        assertTrue(other.attemptToAcquireLeader());
    }

    @Test
    void deleteLeaderOnlyRemovesMyOwnLock() throws Exception {
        String scope = newScope();
        EtcdDcs holder = open(scope, "holder", FAST);
        EtcdDcs other = open(scope, "other", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = other.getCluster().leader().orElseThrow();

        assertFalse(other.deleteLeader(leader));
        assertEquals("holder", other.getCluster().leader().orElseThrow().name());
        assertTrue(holder.deleteLeader(leader));
        assertTrue(other.getCluster().leader().isEmpty());
        assertFalse(holder.deleteLeader(leader), "nothing left to delete");
    }

    @Test
    void updateLeaderRefusesWhenSomeoneElseHoldsTheLock() throws Exception {
        String scope = newScope();
        EtcdDcs holder = open(scope, "holder", FAST);
        EtcdDcs other = open(scope, "other", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = other.getCluster().leader().orElseThrow();
        assertFalse(other.updateLeader(leader));
        assertEquals("holder", other.getCluster().leader().orElseThrow().name());
    }

    @Test
    void aVanishedLeaseIsGrantedAgainAndKeysMoveToIt() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{\"a\":1}"));
        assertTrue(node.attemptToAcquireLeader());
        long first = node.currentLease().orElseThrow();
        Leader before = node.getCluster().leader().orElseThrow();

        raw.getLeaseClient().revoke(first).get(10, TimeUnit.SECONDS); // keys bound to it vanish
        assertTrue(node.getCluster().leader().isEmpty());

        // update_leader: keepalive says "not found" → new lease → create-if-absent succeeds.
        assertTrue(node.updateLeader(before));
        long second = node.currentLease().orElseThrow();
        assertNotEquals(first, second);
        assertTrue(node.touchMember("{\"a\":1}"));
        Cluster cluster = node.getCluster();
        assertEquals(Long.toString(second), cluster.leader().orElseThrow().session());
        assertEquals(Long.toString(second), cluster.member("node").orElseThrow().session());
    }

    @Test
    void touchMemberSkipsUnchangedWritesButRewritesAVanishedKey() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{\"x\":1}"));
        long revision = rawGet("/service/" + scope + "/members/node").orElseThrow().getModRevision();
        assertTrue(node.touchMember("{\"x\":1}"));
        assertEquals(revision, rawGet("/service/" + scope + "/members/node").orElseThrow().getModRevision(),
                "unchanged member data was written again");
        assertTrue(node.touchMember("{\"x\":2}"));
        assertNotEquals(revision, rawGet("/service/" + scope + "/members/node").orElseThrow().getModRevision());

        raw.getKVClient().delete(ByteSequence.from("/service/" + scope + "/members/node", UTF_8)).get(10, TimeUnit.SECONDS);
        node.getCluster(); // sees the key gone
        assertTrue(node.touchMember("{\"x\":2}"));
        assertTrue(rawGet("/service/" + scope + "/members/node").isPresent());
    }

    @Test
    void compareAndSetWithAStaleVersionIsRefused() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        assertTrue(node.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        long v1 = node.getCluster().config().orElseThrow().version();
        assertTrue(node.setConfigValue("{\"ttl\":40}", OptionalLong.of(v1)));
        long v2 = node.getCluster().config().orElseThrow().version();
        assertNotEquals(v1, v2);
        assertFalse(node.setConfigValue("{\"ttl\":50}", OptionalLong.of(v1)), "stale version accepted");
        assertEquals("{\"ttl\":40}", node.getCluster().config().orElseThrow().value());

        OptionalLong syncVersion = node.setSyncStateValue("{\"leader\":\"node\",\"sync_standby\":null}", OptionalLong.empty());
        assertTrue(syncVersion.isPresent());
        assertEquals(syncVersion.getAsLong(), node.getCluster().sync().orElseThrow().version());
        assertTrue(node.setSyncStateValue("{\"leader\":\"node\",\"sync_standby\":\"b\"}", syncVersion).isPresent());
        assertTrue(node.setSyncStateValue("{}", syncVersion).isEmpty(), "stale sync version accepted");
        assertFalse(node.deleteSyncState(syncVersion));
        assertTrue(node.deleteSyncState(OptionalLong.of(node.getCluster().sync().orElseThrow().version())));
        assertTrue(node.getCluster().sync().isEmpty());

        assertTrue(node.setFailoverValue("{\"leader\":\"a\",\"member\":\"b\"}", OptionalLong.empty()));
        long fv = node.getCluster().failover().orElseThrow().version();
        assertFalse(node.setFailoverValue("{}", OptionalLong.of(fv - 1)));
        assertTrue(node.setFailoverValue("{}", OptionalLong.of(fv)));
    }

    @Test
    void watchReturnsEarlyWhenAnotherClientDeletesTheLeaderKey() throws Exception {
        String scope = newScope();
        EtcdDcs replica = open(scope, "replica", FAST);
        EtcdDcs holder = open(scope, "holder", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = replica.getCluster().leader().orElseThrow();
        TimeUnit.MILLISECONDS.sleep(300); // let the watch stream settle

        long started = System.nanoTime();
        Future<Boolean> sleeping = pool.submit(() -> replica.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(500);
        assertTrue(holder.deleteLeader(leader));
        assertTrue(sleeping.get(10, TimeUnit.SECONDS), "watch was not woken");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 3000, "watch returned only after " + tookMs + " ms");
    }

    @Test
    void watchSleepsItsTimeoutWithoutChangesAndWakesOnWakeup() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        assertTrue(node.attemptToAcquireLeader()); // own write: must not wake itself
        long started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(1), Duration.ofMillis(700)));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs >= 1150 && tookMs < 3000, "non-leader wait should be timeout + 0.5 s, took " + tookMs);

        Future<Boolean> sleeping = pool.submit(() -> node.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(200);
        node.wakeup();
        assertTrue(sleeping.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aConfigChangeWakesTheWatch() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        EtcdDcs editor = open(scope, "editor", FAST);
        assertTrue(editor.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        TimeUnit.MILLISECONDS.sleep(300);
        node.watch(OptionalLong.empty(), Duration.ZERO); // drain
        Future<Boolean> sleeping = pool.submit(() -> node.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(300);
        assertTrue(editor.setConfigValue("{\"ttl\":31}", OptionalLong.empty()));
        assertTrue(sleeping.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTtlChangeMakesTheNextWatchReturnAndUsesANewLease() throws Exception {
        String scope = newScope();
        EtcdDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{}"));
        long first = node.currentLease().orElseThrow();
        node.setTiming(new DcsTiming(9, 1, 2));
        assertTrue(node.watch(OptionalLong.empty(), Duration.ofSeconds(10)));
        assertTrue(node.touchMember("{}"));
        long second = node.currentLease().orElseThrow();
        assertNotEquals(first, second);
        long granted = raw.getLeaseClient().timeToLive(second, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getGrantedTTL();
        assertEquals(9, granted);
        assertEquals(Long.toString(second), node.getCluster().member("node").orElseThrow().session());
    }

    @Test
    void storedBytesAreExactlyTheGivenStrings() throws Exception {
        String scope = newScope();
        String name = "nöde-1";
        EtcdDcs node = open(scope, name, FAST);
        String member = "{\"conn_url\":\"postgres://10.0.0.12:5432/postgres\",\"state\":\"running\",\"tags\":{\"zone\":\"Zürich – 東京\"}}";
        String status = "{\"optime\":83886432,\"slots\":{\"pg_node_2\":83886432}}";
        String history = "[[1,50331808,\"no recovery target specified\",\"2025-02-28T09:14:03.123456+01:00\",\"pg-node-2\"]]";
        assertTrue(node.touchMember(member));
        assertTrue(node.attemptToAcquireLeader());
        assertTrue(node.initialize(true, ""));
        assertTrue(node.writeStatus(status));
        assertTrue(node.setHistoryValue(history));
        assertTrue(node.writeFailsafe("{}"));
        String base = "/service/" + scope + "/";

        assertArrayEquals(member.getBytes(UTF_8), rawGet(base + "members/" + name).orElseThrow().getValue().getBytes());
        assertArrayEquals(name.getBytes(UTF_8), rawGet(base + "leader").orElseThrow().getValue().getBytes());
        assertArrayEquals(new byte[0], rawGet(base + "initialize").orElseThrow().getValue().getBytes());
        assertArrayEquals(status.getBytes(UTF_8), rawGet(base + "status").orElseThrow().getValue().getBytes());
        assertArrayEquals(history.getBytes(UTF_8), rawGet(base + "history").orElseThrow().getValue().getBytes());
        // And as etcdctl (what operators use) shows them.
        assertArrayEquals((name + "\n").getBytes(UTF_8), etcd.etcdctl("get", "--print-value-only", base + "leader"));
        assertArrayEquals((member + "\n").getBytes(UTF_8),
                etcd.etcdctl("get", "--print-value-only", base + "members/" + name));

        Cluster cluster = node.getCluster();
        assertEquals(member, cluster.member(name).orElseThrow().value());
        assertEquals(status, cluster.status().orElseThrow().value());
        assertEquals(history, cluster.history().orElseThrow().value());
        assertEquals("{}", cluster.failsafe().orElseThrow().value());

        assertTrue(node.deleteCluster());
        assertEquals(0, raw.getKVClient().get(ByteSequence.from(base, UTF_8),
                io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getCount());
    }

    @Test
    void theEtcdSectionIsServedToo() throws Exception {
        String scope = newScope();
        // As in real configs: a host name rather than an address, and the etcd: section.
        String byName = etcd.hostPort().replace("127.0.0.1", "localhost");
        DcsSettings settings = new DcsSettings("etcd", Map.of("host", byName, "protocol", "http"), "service",
                scope, "n1", FAST);
        try (var dcs = new EtcdDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), "n1", scope, "test"))) {
            assertTrue(dcs.touchMember("{}"));
            assertTrue(dcs.getCluster().member("n1").isPresent());
        }
    }

    @Test
    void unreachableEtcdRaisesWithinRetryTimeoutAndNeverHangs() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500);
        try (EtcdServer doomed = EtcdServer.start()) {
            String scope = newScope();
            EtcdDcs node = open(doomed, scope, "node", timing);
            assertTrue(node.touchMember("{}"));
            assertTrue(node.attemptToAcquireLeader());
            Leader leader = node.getCluster().leader().orElseThrow();

            doomed.kill();

            assertFailsWithin(bound, "get_cluster", node::getCluster);
            assertFailsWithin(bound, "update_leader", () -> node.updateLeader(leader));
            assertFailsWithin(bound, "attempt_to_acquire_leader", node::attemptToAcquireLeader);
            long started = System.nanoTime();
            assertFalse(node.touchMember("{\"changed\":true}"));
            assertFalse(node.setConfigValue("{}", OptionalLong.empty()));
            assertFalse(node.deleteLeader(leader));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < 3 * bound.toMillis(), "non-throwing writes took " + tookMs + " ms");
            // Closing a client whose server is gone does not hang either.
            long closing = System.nanoTime();
            node.close();
            assertTrue(System.nanoTime() - closing < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void reconnectsPromptlyWhenEtcdComesBackAfterALongOutage() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        try (EtcdServer flaky = EtcdServer.start()) {
            EtcdDcs node = open(flaky, newScope(), "node", timing);
            assertTrue(node.touchMember("{}"));
            flaky.kill();
            // The HA loop keeps trying once per cycle while etcd is away, long enough for gRPC's
            // own reconnect backoff to grow well beyond the bound checked below.
            long outageEnd = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < outageEnd) {
                assertThrows(DcsException.class, node::getCluster);
            }
            flaky.restart();
            long back = System.nanoTime();
            Cluster cluster = null;
            while (cluster == null) {
                try {
                    cluster = node.getCluster();
                } catch (DcsException e) {
                    assertTrue(System.nanoTime() - back < Duration.ofSeconds(8).toNanos(),
                            "still failing 8 s after etcd came back: " + e.getMessage());
                }
            }
            long tookMs = (System.nanoTime() - back) / 1_000_000;
            System.out.println("reconnected " + tookMs + " ms after etcd came back");
            assertTrue(tookMs < 5000, "reconnected only after " + tookMs + " ms");
            assertTrue(node.touchMember("{\"back\":true}"));
        }
    }

    @Test
    void anEndpointThatNeverListenedFailsWithinRetryTimeout() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 2);
        DcsSettings settings = new DcsSettings("etcd3", Map.of("url", "http://127.0.0.1:1"), "service",
                newScope(), "n1", timing);
        EtcdDcs dcs = (EtcdDcs) new EtcdDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), "n1", "x", "t"));
        opened.add(dcs);
        assertFailsWithin(Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500), "get_cluster", dcs::getCluster);
    }

    private interface DcsCall {
        Object call() throws DcsException;
    }

    private static void assertFailsWithin(Duration bound, String what, DcsCall call) {
        long started = System.nanoTime();
        DcsException error = assertThrows(DcsException.class, call::call, what + " did not fail");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertNotNull(error.getMessage());
        assertTrue(tookMs <= bound.toMillis(), what + " took " + tookMs + " ms, bound " + bound.toMillis() + " ms: "
                + error.getMessage());
    }
}
