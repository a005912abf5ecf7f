package io.jpatroni.plugin.dcs.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.testing.consul.ConsulServerHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What every DCS backend promises the HA loop (spec/dcs.md §3, §5), checked for the Consul
 * plugin against whatever {@link #startServer()} provides: the in-process emulator
 * ({@link ConsulDcsIT}) or a real agent ({@link RealConsulDcsIT}).
 *
 * <p>Shaped for the shared contract kit: {@link #startServer()} and {@link #open} are the only
 * backend-specific entry points; the Consul-only checks use {@link RawConsul} to look at what
 * is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ConsulDcsContract {

    /** Small ttl so that expiry tests finish quickly; loop_wait + 2 × retry_timeout ≤ ttl. */
    static final DcsTiming FAST = new DcsTiming(5, 1, 2);
    private static final AtomicInteger SCOPES = new AtomicInteger();

    protected ConsulServerHandle server;
    protected RawConsul raw;
    private final List<Dcs> opened = new ArrayList<>();
    private final List<ConsulServerHandle> extraServers = new ArrayList<>();
    protected final ExecutorService pool = Executors.newCachedThreadPool();

    /** A fresh Consul HTTP endpoint (emulated or real) on free loopback ports. */
    protected abstract ConsulServerHandle startServer() throws Exception;

    @BeforeAll
    void startConsul() throws Exception {
        server = startServer();
        raw = new RawConsul(server.hostPort());
    }

    @AfterEach
    void closeClients() {
        opened.forEach(Dcs::close);
        opened.clear();
        extraServers.forEach(ConsulServerHandle::close);
        extraServers.clear();
    }

    @AfterAll
    void stopConsul() {
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    protected String newScope() {
        return "it-" + SCOPES.incrementAndGet();
    }

    protected ConsulServerHandle extraServer() throws Exception {
        ConsulServerHandle extra = startServer();
        extraServers.add(extra);
        return extra;
    }

    protected ConsulDcs open(String scope, String member, DcsTiming timing) throws DcsException {
        return open(server, scope, member, timing, Map.of());
    }

    /** The one factory every test goes through: the plugin's provider, as the core calls it. */
    protected ConsulDcs open(ConsulServerHandle on, String scope, String member, DcsTiming timing,
                             Map<String, Object> extraOptions) throws DcsException {
        Map<String, Object> options = new HashMap<>(extraOptions);
        options.putIfAbsent("host", on.hostPort());
        DcsSettings settings = new DcsSettings("consul", options, "/service/", scope, member, timing);
        ConsulDcs dcs = (ConsulDcs) new ConsulDcsProvider().create(settings,
                new PluginContext(Clock.systemUTC(), member, scope, "test"));
        opened.add(dcs);
        return dcs;
    }

    /** Runs the tasks so that they start at the same instant; returns their results in order. */
    protected <T> List<T> race(List<Callable<T>> tasks) throws Exception {
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

    // ---------------------------------------------------------------- initialize and leader race

    @Test
    void initializeRaceHasExactlyOneWinner() throws Exception {
        String scope = newScope();
        List<ConsulDcs> contenders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contenders.add(open(scope, "node" + i, FAST));
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> () -> d.initialize(true, "")).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "winners: " + won);

        assertEquals("", contenders.get(0).getCluster().initialize().orElseThrow().value());
        ConsulDcs winner = contenders.get(won.indexOf(true));
        assertTrue(winner.initialize(false, "7368210843297823012"));
        assertEquals("7368210843297823012", winner.getCluster().initialize().orElseThrow().value());
        assertFalse(contenders.get(0).initialize(true, "1"), "createNew on an initialised cluster");
        assertTrue(winner.cancelInitialization());
        assertTrue(winner.getCluster().initialize().isEmpty());
    }

    @Test
    void exactlyOneOfManyAcquiresTheLeaderLock() throws Exception {
        String scope = newScope();
        List<ConsulDcs> contenders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            contenders.add(open(scope, "node" + i, FAST));
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> d::attemptToAcquireLeader).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "winners: " + won);
        int index = won.indexOf(true);
        ConsulDcs winner = contenders.get(index);

        Leader leader = winner.getCluster().leader().orElseThrow();
        assertEquals("node" + index, leader.name());
        assertEquals(winner.currentSession().orElseThrow(), leader.session());
        assertFalse(contenders.get((index + 1) % contenders.size()).attemptToAcquireLeader());
        assertTrue(winner.attemptToAcquireLeader(), "the holder's own session may acquire again");
    }

    // ---------------------------------------------------------------- session liveness

    @Test
    void renewalKeepsTheLockBeyondTtlAndTheMemberKeyToo() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        ConsulDcs other = open(scope, "other", FAST);
        assertTrue(holder.touchMember("{\"state\":\"running\"}"));
        assertTrue(holder.attemptToAcquireLeader());
        String session = holder.currentSession().orElseThrow();
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
        assertEquals(session, cluster.leader().orElseThrow().session(), "the same session all along");
        assertTrue(cluster.member("holder").isPresent());
    }

    @Test
    void aHolderThatStopsRenewingLosesLeaderAndMemberKeysTogetherAfterTtl() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        ConsulDcs other = open(scope, "other", FAST);
        assertTrue(holder.touchMember("{\"state\":\"running\"}"));
        assertTrue(holder.attemptToAcquireLeader());
        long stopped = System.nanoTime();
        holder.close(); // no delete: the session just stops being renewed

        Cluster cluster = other.getCluster();
        assertEquals("holder", cluster.leader().orElseThrow().name(), "lock vanished at once");
        while (cluster.leader().isPresent() || cluster.member("holder").isPresent()) {
            assertEquals(cluster.leader().isPresent(), cluster.member("holder").isPresent(),
                    "leader and member keys must vanish together");
            assertTrue(System.nanoTime() - stopped < Duration.ofSeconds(FAST.ttl() + 4).toNanos(),
                    "keys still present " + (FAST.ttl() + 4) + " s after the holder stopped");
            TimeUnit.MILLISECONDS.sleep(100);
            cluster = other.getCluster();
        }
        long goneMs = (System.nanoTime() - stopped) / 1_000_000;
        System.out.println(getClass().getSimpleName() + ": keys vanished " + goneMs + " ms after the last renewal (ttl "
                + FAST.ttl() + " s)");
        assertTrue(goneMs > (FAST.ttl() - 1) * 1000L, "expired too early: " + goneMs + " ms");
        // lock-delay is 1 ms: the lock can be taken right away.
        assertTrue(other.attemptToAcquireLeader());
    }

    @Test
    void aVanishedSessionIsReplacedAndTheKeysMoveToIt() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{\"a\":1}"));
        assertTrue(node.attemptToAcquireLeader());
        String first = node.currentSession().orElseThrow();
        Leader before = node.getCluster().leader().orElseThrow();

        raw.destroySession(first); // behavior=delete: both keys go
        Cluster emptied = node.getCluster();
        assertTrue(emptied.leader().isEmpty());
        assertTrue(emptied.member("node").isEmpty());

        // update_leader: renew answers 404 → new session → the lock is taken again with it.
        assertTrue(node.updateLeader(before));
        String second = node.currentSession().orElseThrow();
        assertNotEquals(first, second);
        assertTrue(node.touchMember("{\"a\":1}"));
        Cluster cluster = node.getCluster();
        assertEquals(second, cluster.leader().orElseThrow().session());
        assertEquals(second, cluster.member("node").orElseThrow().session());
    }

    @Test
    void memberWritesAreSkippedWhenUnchangedAndRedoneWhenTheKeyVanished() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{\"v\":1}"));
        long first = node.getCluster().member("node").orElseThrow().version();
        assertTrue(node.touchMember("{\"v\":1}"));
        assertEquals(first, node.getCluster().member("node").orElseThrow().version(), "unchanged data was rewritten");

        raw.delete("service/" + scope + "/members/node");
        assertTrue(node.getCluster().member("node").isEmpty());
        assertTrue(node.touchMember("{\"v\":1}"));
        assertEquals(node.currentSession().orElseThrow(), node.getCluster().member("node").orElseThrow().session());
        assertTrue(node.touchMember("{\"v\":2}"));
        assertEquals("{\"v\":2}", node.getCluster().member("node").orElseThrow().value());
    }

    // ---------------------------------------------------------------- only mine

    @Test
    void deleteLeaderOnlyRemovesMyOwnLock() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        ConsulDcs other = open(scope, "other", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = other.getCluster().leader().orElseThrow();

        assertFalse(other.deleteLeader(leader));
        assertEquals("holder", other.getCluster().leader().orElseThrow().name());
        assertFalse(holder.deleteLeader(new Leader("holder", leader.version() + 1000, leader.session())),
                "a stale version must not delete");
        assertTrue(holder.deleteLeader(leader));
        assertTrue(other.getCluster().leader().isEmpty());
        assertFalse(holder.deleteLeader(leader), "nothing left to delete");
    }

    @Test
    void updateLeaderRefusesWhenSomeoneElseHoldsTheLock() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        ConsulDcs other = open(scope, "other", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = other.getCluster().leader().orElseThrow();
        assertFalse(other.updateLeader(leader));
        // Even with a snapshot that claims the lock is mine, another session's lock is not taken.
        Leader forged = new Leader("other", leader.version(), leader.session());
        assertFalse(other.updateLeader(forged));
        Leader after = other.getCluster().leader().orElseThrow();
        assertEquals("holder", after.name());
        assertEquals(holder.currentSession().orElseThrow(), after.session());
    }

    // ---------------------------------------------------------------- compare-and-set

    @Test
    void staleVersionsAreRefusedForConfigSyncAndFailover() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        long cv = node.getCluster().config().orElseThrow().version();
        assertTrue(node.setConfigValue("{\"ttl\":31}", OptionalLong.of(cv)));
        assertFalse(node.setConfigValue("{\"ttl\":32}", OptionalLong.of(cv)), "stale config version accepted");
        assertEquals("{\"ttl\":31}", node.getCluster().config().orElseThrow().value());

        OptionalLong sv = node.setSyncStateValue("{\"leader\":\"node\",\"quorum\":0,\"sync_standby\":null}",
                OptionalLong.empty());
        assertTrue(sv.isPresent());
        assertEquals(sv.getAsLong(), node.getCluster().sync().orElseThrow().version(), "returned version = stored");
        OptionalLong sv2 = node.setSyncStateValue("{\"leader\":\"node\",\"quorum\":0,\"sync_standby\":\"b\"}", sv);
        assertTrue(sv2.isPresent());
        assertNotEquals(sv.getAsLong(), sv2.getAsLong());
        assertTrue(node.setSyncStateValue("{\"leader\":\"x\"}", sv).isEmpty(), "stale sync version accepted");
        assertFalse(node.deleteSyncState(sv), "stale sync delete accepted");
        assertTrue(node.deleteSyncState(sv2));
        assertTrue(node.getCluster().sync().isEmpty());

        assertTrue(node.setFailoverValue("{\"leader\":\"node\",\"member\":\"b\"}", OptionalLong.empty()));
        long fv = node.getCluster().failover().orElseThrow().version();
        assertFalse(node.setFailoverValue("{}", OptionalLong.of(fv - 1)));
        assertTrue(node.setFailoverValue("{}", OptionalLong.of(fv)));
        assertEquals("{}", node.getCluster().failover().orElseThrow().value());
    }

    // ---------------------------------------------------------------- watch

    @Test
    void watchWakesEarlyWhenTheLeaderKeyChanges() throws Exception {
        String scope = newScope();
        ConsulDcs replica = open(scope, "replica", FAST);
        ConsulDcs holder = open(scope, "holder", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = replica.getCluster().leader().orElseThrow();

        long started = System.nanoTime();
        Future<Boolean> sleeping = pool.submit(() -> replica.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(500);
        assertFalse(sleeping.isDone(), "the blocking query returned without a change");
        assertTrue(holder.deleteLeader(leader));
        assertTrue(sleeping.get(10, TimeUnit.SECONDS), "watch was not woken");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 3000, "watch returned only after " + tookMs + " ms");
    }

    @Test
    void watchSleepsItsTimeoutWithoutChangesAndWakesOnWakeup() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        ConsulDcs holder = open(scope, "holder", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = node.getCluster().leader().orElseThrow();

        long started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(leader.version()), Duration.ofMillis(1500)));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs >= 1450 && tookMs < 2500, "blocking query should last the timeout, took " + tookMs);

        started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.empty(), Duration.ofMillis(400)));
        tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs >= 350 && tookMs < 1500, "plain wait took " + tookMs);

        Future<Boolean> plain = pool.submit(() -> node.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(200);
        node.wakeup();
        assertTrue(plain.get(5, TimeUnit.SECONDS));

        // A wake-up also ends a blocking query at once.
        Future<Boolean> blocking = pool.submit(() -> node.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(300);
        started = System.nanoTime();
        node.wakeup();
        assertTrue(blocking.get(5, TimeUnit.SECONDS));
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1000);
    }

    @Test
    void aTtlChangeMakesTheNextWatchReturnAndUsesANewSession() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{}"));
        String first = node.currentSession().orElseThrow();
        assertEquals("2.5s", raw.sessionInfo(first).orElseThrow().get("TTL").asText(), "session TTL = ttl/2");
        JsonNode info = raw.sessionInfo(first).orElseThrow();
        assertEquals("delete", info.get("Behavior").asText());
        assertEquals(1_000_000L, info.get("LockDelay").asLong(), "lock-delay 1 ms");
        assertEquals(scope + "-node", info.get("Name").asText());

        node.setTiming(new DcsTiming(9, 1, 2));
        assertTrue(node.watch(OptionalLong.empty(), Duration.ofSeconds(10)));
        assertTrue(node.touchMember("{}"));
        String second = node.currentSession().orElseThrow();
        assertNotEquals(first, second);
        assertEquals("4.5s", raw.sessionInfo(second).orElseThrow().get("TTL").asText());
        assertEquals(second, node.getCluster().member("node").orElseThrow().session(),
                "the member key moved from the old session to the new one");
    }

    // ---------------------------------------------------------------- values

    @Test
    void storedBytesAreExactlyTheGivenStringsUnderKeysWithoutLeadingSlash() throws Exception {
        String scope = newScope();
        String name = "nöde-1";
        ConsulDcs node = open(scope, name, FAST);
        String member = "{\"conn_url\":\"postgres://10.0.0.12:5432/postgres\",\"state\":\"running\",\"tags\":{\"zone\":\"Zürich – 東京\"}}";
        String status = "{\"optime\":83886432,\"slots\":{\"pg_node_2\":83886432}}";
        String history = "[[1,50331808,\"no recovery target specified\",\"2025-02-28T09:14:03.123456+01:00\",\"pg-node-2\"]]";
        assertTrue(node.touchMember(member));
        assertTrue(node.attemptToAcquireLeader());
        assertTrue(node.initialize(true, ""));
        assertTrue(node.writeStatus(status));
        assertTrue(node.setHistoryValue(history));
        assertTrue(node.writeFailsafe("{}"));
        String base = "service/" + scope + "/";

        assertArrayEquals(member.getBytes(UTF_8), raw.rawValue(base + "members/" + name).orElseThrow());
        assertArrayEquals(name.getBytes(UTF_8), raw.rawValue(base + "leader").orElseThrow());
        assertArrayEquals(new byte[0], raw.rawValue(base + "initialize").orElseThrow());
        assertArrayEquals(status.getBytes(UTF_8), raw.rawValue(base + "status").orElseThrow());
        assertArrayEquals(history.getBytes(UTF_8), raw.rawValue(base + "history").orElseThrow());
        for (JsonNode key : raw.send("GET", "kv/" + base + "?keys", null).json()) {
            assertTrue(key.asText().startsWith(base), "stored with a leading slash or elsewhere: " + key);
        }

        Cluster cluster = node.getCluster();
        assertEquals(member, cluster.member(name).orElseThrow().value());
        assertEquals(status, cluster.status().orElseThrow().value());
        assertEquals(history, cluster.history().orElseThrow().value());
        assertEquals("{}", cluster.failsafe().orElseThrow().value());
        assertEquals("", cluster.initialize().orElseThrow().value());

        assertTrue(node.deleteCluster());
        assertEquals(404, raw.send("GET", "kv/" + base + "?recurse", null).status());
    }

    @Test
    void anotherScopeWithTheSamePrefixIsNotPartOfTheCluster() throws Exception {
        String scope = newScope();
        ConsulDcs a = open(scope, "n", FAST);
        ConsulDcs b = open(scope + "0", "n", FAST);
        assertTrue(b.touchMember("{}"));
        assertTrue(b.attemptToAcquireLeader());
        Cluster cluster = a.getCluster();
        assertTrue(cluster.leader().isEmpty());
        assertTrue(cluster.members().isEmpty());
        assertTrue(a.deleteCluster());
        assertTrue(b.getCluster().leader().isPresent(), "deleteCluster removed a neighbour's keys");
    }

    // ---------------------------------------------------------------- service registration

    @Test
    void registerServiceFollowsTheMemberRoleAndState() throws Exception {
        String scope = newScope();
        Map<String, Object> options = Map.of("register_service", true, "service_tags", List.of("dc-a"),
                "service_check_interval", "7s");
        ConsulDcs node = open(server, scope, "n1", FAST, options);
        String id = scope + "/n1";
        String primary = "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\",\"api_url\":\"http://127.0.0.1:8008/patroni\","
                + "\"state\":\"running\",\"role\":\"primary\",\"version\":\"4.1.4\"}";
        assertTrue(node.touchMember(primary));
        JsonNode service = raw.services().get(id);
        assertNotNull(service, "service not registered: " + raw.services());
        assertEquals(scope, service.get("Service").asText());
        assertEquals(List.of("dc-a", "primary", "master"), strings(service.get("Tags")));
        assertEquals("127.0.0.1", service.get("Address").asText());
        assertEquals(5432, service.get("Port").asInt());

        assertTrue(node.touchMember(primary.replace("\"primary\"", "\"replica\"")));
        assertEquals(List.of("dc-a", "replica"), strings(raw.services().get(id).get("Tags")));

        assertTrue(node.touchMember(primary.replace("running", "stopped")));
        assertTrue(raw.services().get(id) == null, "service still registered after stop");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    // ---------------------------------------------------------------- unreachable

    @Test
    void unreachableConsulRaisesWithinRetryTimeoutAndNeverHangs() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500);
        ConsulServerHandle doomed = extraServer();
        ConsulDcs node = open(doomed, newScope(), "node", timing, Map.of());
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
        // A watch on a dead agent sleeps its timeout and does not spin or hang.
        started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(2)));
        tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs >= 1900 && tookMs < 3500, "watch on a dead agent took " + tookMs + " ms");

        long closing = System.nanoTime();
        node.close();
        assertTrue(System.nanoTime() - closing < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void reconnectsAsSoonAsConsulIsBack() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        ConsulServerHandle flaky = extraServer();
        ConsulDcs node = open(flaky, newScope(), "node", timing, Map.of());
        assertTrue(node.touchMember("{}"));
        flaky.kill();
        assertThrows(DcsException.class, node::getCluster);
        flaky.start();
        long back = System.nanoTime();
        node.getCluster();
        long tookMs = (System.nanoTime() - back) / 1_000_000;
        assertTrue(tookMs < 2000, "reconnected only after " + tookMs + " ms");
        assertTrue(node.touchMember("{\"back\":true}"));
        assertEquals("{\"back\":true}", node.getCluster().member("node").orElseThrow().value());
    }

    @Test
    void anEndpointThatNeverListenedFailsWithinRetryTimeout() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 2);
        DcsSettings settings = new DcsSettings("consul", Map.of("url", "http://127.0.0.1:1"), "service", newScope(), "n1",
                timing);
        Dcs dcs = new ConsulDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), "n1", "x", "t"));
        opened.add(dcs);
        assertFailsWithin(Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500), "get_cluster", dcs::getCluster);
        assertFalse(dcs.touchMember("{}"));
    }

    interface DcsCall {
        Object call() throws DcsException;
    }

    static void assertFailsWithin(Duration bound, String what, DcsCall call) {
        long started = System.nanoTime();
        DcsException error = assertThrows(DcsException.class, call::call, what + " did not fail");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertNotNull(error.getMessage());
        assertTrue(tookMs <= bound.toMillis(), what + " took " + tookMs + " ms, bound " + bound.toMillis() + " ms: "
                + error.getMessage());
    }
}
