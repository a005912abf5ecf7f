package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.testing.consul.ConsulServerHandle;
import io.jpatroni.testkit.dcs.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * What the Consul plugin promises beyond the shared DCS contract ({@link ConsulContractIT} runs
 * the kit): sessions (TTL = ttl/2, name, behavior, lock-delay, replacement of a vanished one),
 * keys without a leading slash and prefix isolation, the blocking query of {@code watch},
 * service registration, and the lock guards that rest on Consul sessions. Checked against
 * whatever {@link #startServer()} provides: the emulator ({@link ConsulDcsIT}) or a real agent
 * ({@link RealConsulDcsIT}). {@link RawConsul} looks at what is stored, bypassing the plugin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ConsulDcsContract {

    /** Small ttl so that the checks finish quickly; loop_wait + 2 × retry_timeout ≤ ttl. */
    static final DcsTiming FAST = new DcsTiming(5, 1, 2);
    private static final AtomicInteger SCOPES = new AtomicInteger();

    protected ConsulServerHandle server;
    protected RawConsul raw;
    private final List<ConsulDcs> opened = new ArrayList<>();
    private final List<AutoCloseable> extras = new ArrayList<>();
    protected final ExecutorService pool = Executors.newCachedThreadPool();

    /** A fresh Consul HTTP endpoint (emulated or real) on free loopback ports. */
    protected abstract ConsulServerHandle startServer() throws Exception;

    @BeforeAll
    void startConsul() throws Exception {
        server = startServer();
        raw = new RawConsul(server.hostPort());
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable extra : extras) { // proxies and extra agents first: clients then close at once
            extra.close();
        }
        extras.clear();
        opened.forEach(ConsulDcs::close);
        opened.clear();
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
        extras.add(extra);
        return extra;
    }

    protected ConsulDcs open(String scope, String member, DcsTiming timing) throws DcsException {
        return open(server.hostPort(), scope, member, timing, Map.of());
    }

    /** The one factory every test goes through: the plugin's provider, as the core calls it. */
    protected ConsulDcs open(String hostPort, String scope, String member, DcsTiming timing,
                             Map<String, Object> extraOptions) throws DcsException {
        Map<String, Object> options = new HashMap<>(extraOptions);
        options.putIfAbsent("host", hostPort);
        DcsSettings settings = new DcsSettings("consul", options, "/service/", scope, member, timing);
        ConsulDcs dcs = (ConsulDcs) new ConsulDcsProvider().create(settings,
                new PluginContext(Clock.systemUTC(), member, scope, "test"));
        opened.add(dcs);
        return dcs;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionsAreCreatedAsPatroniDoesAndATtlChangeHalvesTheNewOne() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{}"));
        String first = node.currentSession().orElseThrow();
        JsonNode info = raw.sessionInfo(first).orElseThrow();
        assertEquals("2.5s", info.get("TTL").asText(), "session TTL = ttl/2");
        assertEquals("delete", info.get("Behavior").asText());
        assertEquals(1_000_000L, info.get("LockDelay").asLong(), "lock-delay 1 ms");
        assertEquals(scope + "-node", info.get("Name").asText());

        node.setTiming(new DcsTiming(9, 1, 2));
        assertTrue(node.watch(OptionalLong.empty(), Duration.ofSeconds(10)));
        assertTrue(node.touchMember("{}"));
        String second = node.currentSession().orElseThrow();
        assertNotEquals(first, second);
        assertEquals("4.5s", raw.sessionInfo(second).orElseThrow().get("TTL").asText());
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
        assertTrue(node.touchMember("{\"a\":1}"), "unchanged data, but the key vanished: it must be written again");
        Cluster cluster = node.getCluster();
        assertEquals(second, cluster.leader().orElseThrow().session());
        assertEquals(second, cluster.member("node").orElseThrow().session());
        assertEquals("{\"a\":1}", cluster.member("node").orElseThrow().value());
    }

    @Test
    void aMemberKeyDeletedBehindMyBackIsWrittenAgainThoughUnchanged() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        assertTrue(node.touchMember("{\"v\":1}"));
        raw.delete("service/" + scope + "/members/node");
        assertTrue(node.getCluster().member("node").isEmpty());
        assertTrue(node.touchMember("{\"v\":1}"));
        assertEquals(node.currentSession().orElseThrow(), node.getCluster().member("node").orElseThrow().session());
    }

    // ---------------------------------------------------------------- lock guards resting on sessions

    @Test
    void updateLeaderNeverTakesAnotherSessionsLockEvenWithAForgedSnapshot() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        ConsulDcs other = open(scope, "other", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        assertTrue(holder.attemptToAcquireLeader(), "the holder's own session may acquire again");
        Leader leader = other.getCluster().leader().orElseThrow();
        Leader forged = new Leader("other", leader.version(), leader.session());
        assertFalse(other.updateLeader(forged));
        Leader after = other.getCluster().leader().orElseThrow();
        assertEquals("holder", after.name());
        assertEquals(holder.currentSession().orElseThrow(), after.session());
    }

    @Test
    void deleteLeaderWithAStaleVersionDeletesNothing() throws Exception {
        String scope = newScope();
        ConsulDcs holder = open(scope, "holder", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = holder.getCluster().leader().orElseThrow();
        assertFalse(holder.deleteLeader(new Leader("holder", leader.version() + 1000, leader.session())),
                "a stale version must not delete (DELETE ?cas=)");
        assertEquals("holder", holder.getCluster().leader().orElseThrow().name());
    }

    // ---------------------------------------------------------------- keys

    @Test
    void keysAreStoredWithoutALeadingSlash() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "n", FAST);
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        assertTrue(node.initialize(true, ""));
        assertTrue(node.setConfigValue("{}", OptionalLong.empty()));
        String base = "service/" + scope + "/";
        JsonNode keys = raw.send("GET", "kv/?keys", null).json();
        List<String> mine = new ArrayList<>();
        keys.forEach(k -> {
            assertFalse(k.asText().startsWith("/"), "stored with a leading slash: " + k);
            if (k.asText().startsWith(base)) {
                mine.add(k.asText());
            }
        });
        assertEquals(List.of(base + "config", base + "initialize", base + "leader", base + "members/n"),
                mine.stream().sorted().toList());
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

    // ---------------------------------------------------------------- watch: the blocking query

    @Test
    void aBlockingQueryLastsItsTimeoutWithoutChangeAndEndsAtOnceOnWakeup() throws Exception {
        String scope = newScope();
        ConsulDcs node = open(scope, "node", FAST);
        ConsulDcs holder = open(scope, "holder", FAST);
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = node.getCluster().leader().orElseThrow();

        long started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(leader.version()), Duration.ofMillis(1500)));
        long tookMs = millisSince(started);
        assertTrue(tookMs >= 1450 && tookMs < 2500, "blocking query should last the timeout, took " + tookMs);

        Future<Boolean> blocking = pool.submit(() -> node.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(300);
        assertFalse(blocking.isDone(), "the blocking query returned without a change");
        started = System.nanoTime();
        node.wakeup();
        assertTrue(blocking.get(5, TimeUnit.SECONDS));
        assertTrue(millisSince(started) < 1000, "wakeup() ended the blocking query only after " + millisSince(started) + " ms");
    }

    // ---------------------------------------------------------------- service registration

    @Test
    void registerServiceFollowsTheMemberRoleAndState() throws Exception {
        String scope = newScope();
        Map<String, Object> options = Map.of("register_service", true, "service_tags", List.of("dc-a"),
                "service_check_interval", "7s");
        ConsulDcs node = open(server.hostPort(), scope, "n1", FAST, options);
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

    // ---------------------------------------------------------------- dead, silent, back

    @Test
    void aBlockingQueryOnADeadAgentSleepsItsTimeoutAndTheAgentsReturnIsSeenAtOnce() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        ConsulServerHandle flaky = extraServer();
        ConsulDcs node = open(flaky.hostPort(), newScope(), "node", timing, Map.of());
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        long version = node.getCluster().leader().orElseThrow().version();
        flaky.kill();

        // Errors are retried while ≥ 1 s remains, a second apart: no spin, no hang.
        long started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(version), Duration.ofSeconds(2)));
        long tookMs = millisSince(started);
        assertTrue(tookMs >= 1900 && tookMs < 3500, "watch on a dead agent took " + tookMs + " ms");
        assertThrows(DcsException.class, node::getCluster);

        flaky.start(); // a real -dev agent comes back empty, the emulator with its data
        long back = System.nanoTime();
        node.getCluster();
        assertTrue(millisSince(back) < 2000, "reconnected only after " + millisSince(back) + " ms");
        assertTrue(node.touchMember("{\"back\":true}"));
        assertEquals("{\"back\":true}", node.getCluster().member("node").orElseThrow().value());
    }

    @Test
    void aSilentAgentCannotHoldUpdateLeaderNorTheBlockingQuery() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500);
        TcpProxy cable = TcpProxy.to(server.hostPort());
        extras.add(cable);
        ConsulDcs node = open(cable.hostPort(), newScope(), "node", timing, Map.of());
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        Leader leader = node.getCluster().leader().orElseThrow();

        cable.freeze(); // connections stay open, nothing is answered

        long started = System.nanoTime();
        DcsException error = assertThrows(DcsException.class, () -> node.updateLeader(leader));
        assertTrue(millisSince(started) <= bound.toMillis(),
                "update_leader took " + millisSince(started) + " ms, bound " + bound.toMillis() + ": " + error.getMessage());
        started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(2)));
        assertTrue(millisSince(started) < 4000, "watch against a silent agent took " + millisSince(started) + " ms");
    }
}
