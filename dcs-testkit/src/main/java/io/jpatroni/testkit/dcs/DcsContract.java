package io.jpatroni.testkit.dcs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.Member;
import io.jpatroni.api.dcs.StoredValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every DCS backend must keep: Patroni's semantics of the operations in
 * {@link Dcs} (spec/dcs.md §3 and §5), checked against a real server of the backend.
 *
 * <p>A plugin's integration test extends this class and supplies three things: how to start a
 * server of its backend ({@link #startServer()}), how to open its {@link Dcs} on a given
 * {@code host:port} for a scope, a member name and a timing ({@link #open}), and how to read a
 * key's stored bytes with the backend's own client, bypassing the plugin ({@link #readRaw}).
 * Keys live under {@code /service/<scope>/} (namespace {@code service}).
 *
 * <p>The checks use a small ttl ({@link #timing()}: ttl 5 s, loop_wait 1 s, retry_timeout 2 s) so
 * that expiry is observed quickly; the whole class runs in well under a minute per backend.
 * Nodes that "die" are cut off by a {@link TcpProxy} that swallows all traffic, so their
 * lease or session runs out on the server exactly as when a machine disappears.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class DcsContract {

    /** A running server of the backend under test, on loopback. */
    public interface Server extends AutoCloseable {
        /** Where clients connect, {@code 127.0.0.1:<port>}. */
        String hostPort();

        /** Crash the server: from now on nobody answers on {@link #hostPort()}. */
        void kill() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Starts a fresh server (the kit starts one shared server, and one more to kill). */
    protected abstract Server startServer() throws Exception;

    /**
     * Opens the plugin's {@link Dcs} against {@code hostPort} with namespace {@code service}, the
     * given scope and member name, and the given timing, exactly as the daemon would.
     */
    protected abstract Dcs open(String hostPort, String scope, String member, DcsTiming timing) throws DcsException;

    /**
     * The bytes stored under {@code key} (an absolute key such as {@code /service/s1/leader}) on the
     * server at {@code hostPort}, read with the backend's own client; empty if there is no such key.
     */
    protected abstract Optional<byte[]> readRaw(String hostPort, String key) throws Exception;

    /** ttl, loop_wait and retry_timeout for the checks; loop_wait + 2 × retry_timeout ≤ ttl as Patroni requires. */
    protected DcsTiming timing() {
        return new DcsTiming(5, 1, 2);
    }

    /** Extra time allowed beyond retry_timeout before a call to an unreachable server must have failed. */
    protected Duration unreachableSlack() {
        return Duration.ofMillis(1500);
    }

    /**
     * What {@code watch} adds to its timeout when given a leader version (a non-leader's sleep):
     * 0.5 s for etcd v3 and ZooKeeper (spec/dcs.md §4.1, §4.3). Consul (§4.2) turns that case
     * into a blocking query on the leader key and adds nothing: it overrides this with zero.
     */
    protected Duration nonLeaderWatchExtra() {
        return Duration.ofMillis(500);
    }

    /**
     * Whether another client's change (a new leader key, a new config) wakes a {@code watch} that
     * was given no leader version. True where the plugin watches the whole cluster prefix (etcd
     * v3's cache thread, ZooKeeper's watches). Consul watches only the leader key, and only when
     * a leader version is given (spec/dcs.md §4.2: otherwise it waits on the wake event alone),
     * so its check is skipped.
     */
    protected boolean watchSeesOtherClientsWithoutLeaderVersion() {
        return true;
    }

    private static final AtomicInteger SCOPES = new AtomicInteger();

    private Server server;
    private final List<Dcs> opened = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dcs-contract");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    void startSharedServer() throws Exception {
        server = startServer();
    }

    @AfterEach
    void closeClients() {
        // Proxies first: a client whose peer vanished closes at once instead of waiting for an answer.
        proxies.forEach(TcpProxy::close);
        proxies.clear();
        for (Dcs dcs : opened) {
            try {
                dcs.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        opened.clear();
    }

    @AfterAll
    void stopSharedServer() throws Exception {
        pool.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    /** The shared server, for subclasses' own checks. */
    protected final Server server() {
        return server;
    }

    // ---------------------------------------------------------------- helpers

    protected final String newScope() {
        return "contract-" + SCOPES.incrementAndGet();
    }

    protected static String key(String scope, String relative) {
        return "/service/" + scope + "/" + relative;
    }

    /** A Dcs on the shared server, closed after the test. */
    protected final Dcs node(String scope, String member) throws DcsException {
        return node(server.hostPort(), scope, member, timing());
    }

    protected final Dcs node(String hostPort, String scope, String member, DcsTiming timing) throws DcsException {
        Dcs dcs = open(hostPort, scope, member, timing);
        opened.add(dcs);
        return dcs;
    }

    /** A relay to the shared server that the test can freeze to make its clients vanish. */
    protected final TcpProxy proxy() throws Exception {
        TcpProxy proxy = TcpProxy.to(server.hostPort());
        proxies.add(proxy);
        return proxy;
    }

    /** Runs the tasks so that they start at the same instant; their results in order. */
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
        for (Future<T> future : futures) {
            results.add(future.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Lets watches settle and consumes wake-ups caused by the test's own set-up. */
    private static void drain(Dcs dcs) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(400);
        dcs.watch(OptionalLong.empty(), Duration.ZERO);
    }

    private interface DcsCall {
        Object call() throws DcsException;
    }

    private static void assertFailsWithin(Duration bound, String what, DcsCall call) {
        long started = System.nanoTime();
        DcsException error = assertThrows(DcsException.class, call::call, what + " did not raise DcsException");
        long tookMs = millisSince(started);
        assertNotNull(error.getMessage(), what + ": DcsException without a message");
        assertTrue(tookMs <= bound.toMillis(), what + " took " + tookMs + " ms to fail, bound " + bound.toMillis()
                + " ms: " + error.getMessage());
    }

    private static void assertReturnsFalseWithin(Duration bound, String what, Callable<Boolean> call) throws Exception {
        long started = System.nanoTime();
        assertFalse(call.call(), what + " reported success with the server unreachable");
        long tookMs = millisSince(started);
        assertTrue(tookMs <= bound.toMillis(), what + " took " + tookMs + " ms, bound " + bound.toMillis() + " ms");
    }

    // ---------------------------------------------------------------- bootstrap race

    @Test
    @DisplayName("initialize: exactly one of many concurrent contenders creates the key; then set, refuse, cancel")
    void initializeRaceHasExactlyOneWinner() throws Exception {
        String scope = newScope();
        List<Dcs> contenders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            contenders.add(node(scope, "node" + i));
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> () -> d.initialize(true, "")).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "initialize winners: " + won);

        assertEquals("", contenders.get(0).getCluster().initialize().orElseThrow().value(),
                "the bootstrap winner's empty initialize value");
        Dcs winner = contenders.get(won.indexOf(true));
        assertTrue(winner.initialize(false, "7368210843297823012"), "set sysid (createNew=false) refused");
        assertEquals("7368210843297823012", contenders.get(1).getCluster().initialize().orElseThrow().value());
        assertFalse(contenders.get(2).initialize(true, "1"), "createNew on an initialised cluster succeeded");
        assertEquals("7368210843297823012", winner.getCluster().initialize().orElseThrow().value());
        assertTrue(winner.cancelInitialization());
        assertTrue(winner.getCluster().initialize().isEmpty(), "initialize still present after cancel");
        assertTrue(contenders.get(3).initialize(true, ""), "a new race after cancel found the key present");
    }

    // ---------------------------------------------------------------- the leader lock

    @Test
    @DisplayName("leader lock: exactly one of many concurrent contenders acquires it, bound to its own session")
    void exactlyOneOfManyAcquiresTheLeaderLock() throws Exception {
        String scope = newScope();
        List<Dcs> contenders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Dcs dcs = node(scope, "node" + i);
            assertTrue(dcs.touchMember("{\"state\":\"running\",\"n\":" + i + "}"), "touch_member node" + i);
            contenders.add(dcs);
        }
        List<Boolean> won = race(contenders.stream().<Callable<Boolean>>map(d -> d::attemptToAcquireLeader).toList());
        assertEquals(1, won.stream().filter(b -> b).count(), "leader lock winners: " + won);
        int index = won.indexOf(true);
        Dcs winner = contenders.get(index);

        Cluster cluster = contenders.get((index + 1) % 6).getCluster();
        Leader leader = cluster.leader().orElseThrow();
        assertEquals("node" + index, leader.name());
        assertFalse(cluster.isUnlocked());
        Member member = cluster.member("node" + index).orElseThrow();
        assertNotNull(leader.session(), "the leader key is not bound to a lease/session");
        assertEquals(member.session(), leader.session(), "leader and member keys of one node use different sessions");
        assertEquals(6, cluster.members().size());
        assertFalse(contenders.get((index + 1) % 6).attemptToAcquireLeader(), "a second attempt by a loser succeeded");
        assertTrue(winner.updateLeader(leader), "the winner cannot update its own lock");
    }

    @Test
    @DisplayName("takeLeader (right after bootstrap) writes the lock bound to my session")
    void takeLeaderWritesTheLock() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "boot");
        assertTrue(node.touchMember("{}"));
        assertTrue(node.takeLeader());
        Cluster cluster = node.getCluster();
        assertEquals("boot", cluster.leader().orElseThrow().name());
        assertEquals(cluster.member("boot").orElseThrow().session(), cluster.leader().orElseThrow().session());
        assertTrue(node.updateLeader(cluster.leader().orElseThrow()));
    }

    @Test
    @DisplayName("renewal keeps the lock and the member key well past ttl; nobody else can acquire meanwhile")
    void renewalKeepsTheLockBeyondTtl() throws Exception {
        String scope = newScope();
        DcsTiming timing = timing();
        Dcs holder = node(scope, "holder");
        Dcs other = node(scope, "other");
        assertTrue(holder.touchMember("{\"state\":\"running\"}"));
        assertTrue(holder.attemptToAcquireLeader());
        long end = System.nanoTime() + Duration.ofSeconds(timing.ttl() + 3).toNanos();
        while (System.nanoTime() < end) {
            Cluster cluster = holder.getCluster();
            assertTrue(holder.updateLeader(cluster.leader().orElseThrow(() -> new AssertionError("lock lost"))),
                    "update_leader refused to the holder");
            assertTrue(holder.touchMember("{\"state\":\"running\"}"));
            assertFalse(other.attemptToAcquireLeader(), "another node acquired a renewed lock");
            holder.watch(OptionalLong.empty(), Duration.ofSeconds(timing.loopWait()));
        }
        Cluster cluster = other.getCluster();
        assertEquals("holder", cluster.leader().orElseThrow().name());
        assertTrue(cluster.member("holder").isPresent(), "member key of a live node expired");
    }

    @Test
    @DisplayName("a node that stops refreshing loses leader and member keys together after about ttl, not before")
    void keysOfANodeThatStopsRefreshingExpireTogether() throws Exception {
        String scope = newScope();
        DcsTiming timing = timing();
        TcpProxy cable = proxy();
        Dcs holder = node(cable.hostPort(), scope, "holder", timing);
        Dcs replica = node(cable.hostPort(), scope, "replica", timing);
        Dcs observer = node(scope, "observer");
        assertTrue(holder.touchMember("{\"state\":\"running\",\"role\":\"primary\"}"));
        assertTrue(replica.touchMember("{\"state\":\"running\",\"role\":\"replica\"}"));
        assertTrue(holder.attemptToAcquireLeader());

        long cut = System.nanoTime();
        cable.freeze(); // both nodes vanish without a word: no delete, no refresh

        Cluster cluster = observer.getCluster();
        assertEquals("holder", cluster.leader().orElseThrow().name(), "lock vanished as soon as the holder went silent");
        assertTrue(cluster.member("holder").isPresent() && cluster.member("replica").isPresent());
        // A lease/session refreshed less than loop_wait (or a ping interval) ago lives at least ttl/2 more.
        TimeUnit.MILLISECONDS.sleep(Math.max(0, timing.ttl() * 500L - millisSince(cut)));
        cluster = observer.getCluster();
        assertTrue(cluster.leader().isPresent(), "lock expired only " + millisSince(cut) + " ms after the last refresh");
        assertTrue(cluster.member("replica").isPresent(), "member key expired after " + millisSince(cut) + " ms");

        Duration bound = Duration.ofSeconds(timing.ttl() + 4);
        while (cluster.leader().isPresent() || cluster.member("holder").isPresent()
                || cluster.member("replica").isPresent()) {
            assertEquals(cluster.leader().isPresent(), cluster.member("holder").isPresent(),
                    "leader and member key of the holder did not vanish together: " + cluster);
            if (System.nanoTime() - cut > bound.toNanos()) {
                fail("keys still present " + bound.toSeconds() + " s after the nodes went silent: " + cluster);
            }
            TimeUnit.MILLISECONDS.sleep(100);
            cluster = observer.getCluster();
        }
        System.out.printf("%s: keys of a silent node expired %d ms after it went silent (ttl %d s)%n",
                getClass().getSimpleName(), millisSince(cut), timing.ttl());
        assertTrue(cluster.isUnlocked());
        assertTrue(observer.attemptToAcquireLeader(), "an expired lock cannot be acquired");
    }

    @Test
    @DisplayName("deleteLeader removes only my own lock")
    void deleteLeaderOnlyRemovesMyOwnLock() throws Exception {
        String scope = newScope();
        Dcs holder = node(scope, "holder");
        Dcs other = node(scope, "other");
        assertTrue(holder.touchMember("{}"));
        assertTrue(other.touchMember("{}"));
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = other.getCluster().leader().orElseThrow();

        assertFalse(other.deleteLeader(leader), "a non-holder deleted the lock");
        assertEquals("holder", other.getCluster().leader().orElseThrow().name());
        assertTrue(holder.deleteLeader(leader));
        assertTrue(other.getCluster().isUnlocked(), "lock still present after the holder deleted it");
        assertFalse(holder.deleteLeader(leader), "deleting an absent lock reported success");
        assertTrue(other.attemptToAcquireLeader());
    }

    @Test
    @DisplayName("updateLeader is refused to a non-holder, also to a former holder once the snapshot shows someone else")
    void updateLeaderIsRefusedToANonHolder() throws Exception {
        String scope = newScope();
        Dcs holder = node(scope, "holder");
        Dcs other = node(scope, "other");
        assertTrue(holder.attemptToAcquireLeader());
        Leader held = other.getCluster().leader().orElseThrow();
        assertFalse(other.updateLeader(held), "a non-holder updated the lock");
        assertEquals("holder", other.getCluster().leader().orElseThrow().name());

        assertTrue(holder.deleteLeader(held));
        assertTrue(other.attemptToAcquireLeader());
        // As in Patroni, the update is judged against the snapshot read at the start of the cycle.
        Cluster cluster = holder.getCluster();
        assertFalse(holder.updateLeader(cluster.leader().orElseThrow()),
                "a former holder updated a lock someone else holds now");
        cluster = holder.getCluster();
        assertEquals("other", cluster.leader().orElseThrow().name());
        assertTrue(other.updateLeader(cluster.leader().orElseThrow()));
    }

    // ---------------------------------------------------------------- member keys

    @Test
    @DisplayName("touchMember writes my key, skips unchanged data, rewrites changed data")
    void touchMemberSkipsUnchangedData() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        assertTrue(node.touchMember("{\"x\":1}"));
        Member first = node.getCluster().member("node").orElseThrow();
        assertEquals("{\"x\":1}", first.value());
        assertTrue(node.touchMember("{\"x\":1}"));
        assertEquals(first.version(), node.getCluster().member("node").orElseThrow().version(),
                "unchanged member data was written again");
        assertTrue(node.touchMember("{\"x\":2}"));
        Member second = node.getCluster().member("node").orElseThrow();
        assertEquals("{\"x\":2}", second.value());
        assertNotEquals(first.version(), second.version());
        assertEquals(first.session(), second.session());
    }

    // ---------------------------------------------------------------- compare-and-set

    @Test
    @DisplayName("config: compare-and-set on version; a stale version is refused; modifyVersion moves")
    void configCompareAndSet() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        assertFalse(node.setConfigValue("{\"ttl\":20}", OptionalLong.of(12345)), "CAS on an absent config succeeded");
        assertTrue(node.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        StoredValue v1 = node.getCluster().config().orElseThrow();
        assertEquals("{\"ttl\":30}", v1.value());
        assertTrue(node.setConfigValue("{\"ttl\":40}", OptionalLong.of(v1.version())));
        StoredValue v2 = node.getCluster().config().orElseThrow();
        assertNotEquals(v1.version(), v2.version());
        assertNotEquals(v1.modifyVersion(), v2.modifyVersion(), "config modifyVersion did not change on a write");
        assertFalse(node.setConfigValue("{\"ttl\":50}", OptionalLong.of(v1.version())), "stale config version accepted");
        assertEquals("{\"ttl\":40}", node.getCluster().config().orElseThrow().value());
        assertTrue(node.setConfigValue("{\"ttl\":60}", OptionalLong.empty()), "unconditional config write refused");
        assertEquals("{\"ttl\":60}", node.getCluster().config().orElseThrow().value());
    }

    @Test
    @DisplayName("sync: writes return the new version; stale versions are refused for write and delete")
    void syncCompareAndSet() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        String first = "{\"leader\":\"node\",\"quorum\":0,\"sync_standby\":null}";
        OptionalLong v1 = node.setSyncStateValue(first, OptionalLong.empty());
        assertTrue(v1.isPresent(), "sync write refused");
        StoredValue stored = node.getCluster().sync().orElseThrow();
        assertEquals(first, stored.value());
        assertEquals(v1.getAsLong(), stored.version(), "returned sync version differs from the stored one");

        OptionalLong v2 = node.setSyncStateValue("{\"leader\":\"node\",\"quorum\":0,\"sync_standby\":\"b\"}", v1);
        assertTrue(v2.isPresent(), "sync CAS with the current version refused");
        assertNotEquals(v1.getAsLong(), v2.getAsLong());
        assertTrue(node.setSyncStateValue("{\"leader\":\"x\"}", v1).isEmpty(), "stale sync version accepted");
        assertFalse(node.deleteSyncState(v1), "sync delete with a stale version accepted");
        assertEquals("{\"leader\":\"node\",\"quorum\":0,\"sync_standby\":\"b\"}",
                node.getCluster().sync().orElseThrow().value());

        assertTrue(node.deleteSyncState(OptionalLong.of(node.getCluster().sync().orElseThrow().version())));
        Optional<StoredValue> after = node.getCluster().sync();
        // Deleted (etcd, Consul) or overwritten with {} (ZooKeeper): both read as "no sync state".
        assertTrue(after.isEmpty() || after.get().value().equals("{}"), "sync after delete: " + after);
    }

    @Test
    @DisplayName("failover: written without version when absent, CAS with version; a stale version is refused")
    void failoverCompareAndSet() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        String request = "{\"leader\":\"a\",\"member\":\"b\",\"scheduled_at\":\"2025-03-01T12:00:00+00:00\"}";
        assertTrue(node.setFailoverValue(request, OptionalLong.empty()), "failover create refused");
        StoredValue v1 = node.getCluster().failover().orElseThrow();
        assertEquals(request, v1.value());
        assertTrue(node.setFailoverValue("{\"member\":\"c\"}", OptionalLong.of(v1.version())));
        StoredValue v2 = node.getCluster().failover().orElseThrow();
        assertFalse(node.setFailoverValue("{}", OptionalLong.of(v1.version())), "stale failover version accepted");
        assertEquals("{\"member\":\"c\"}", node.getCluster().failover().orElseThrow().value());
        assertTrue(node.setFailoverValue("{}", OptionalLong.of(v2.version())));
        assertEquals("{}", node.getCluster().failover().orElseThrow().value(), "a cleared failover reads {}");
    }

    // ---------------------------------------------------------------- other keys, bytes on the wire

    @Test
    @DisplayName("history, status, failsafe round trip; history version moves on rewrite")
    void historyStatusFailsafeRoundTrip() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        Dcs reader = node(scope, "reader");
        assertTrue(node.setHistoryValue("[]"));
        StoredValue h1 = reader.getCluster().history().orElseThrow();
        assertEquals("[]", h1.value());
        String history = "[[1,50331808,\"no recovery target specified\",\"2025-02-28T09:14:03.123456+01:00\",\"node\"]]";
        assertTrue(node.setHistoryValue(history));
        StoredValue h2 = reader.getCluster().history().orElseThrow();
        assertEquals(history, h2.value());
        assertNotEquals(h1.version(), h2.version(), "history version did not change on rewrite");

        assertTrue(node.writeStatus("{\"optime\":1}"));
        assertTrue(node.writeStatus("{\"optime\":83886432,\"slots\":{\"node\":83886432},\"retain_slots\":[\"node\"]}"));
        assertEquals("{\"optime\":83886432,\"slots\":{\"node\":83886432},\"retain_slots\":[\"node\"]}",
                reader.getCluster().status().orElseThrow().value());
        assertTrue(node.writeFailsafe("{\"node\":\"http://127.0.0.1:8008/patroni\"}"));
        assertEquals("{\"node\":\"http://127.0.0.1:8008/patroni\"}", reader.getCluster().failsafe().orElseThrow().value());
    }

    @Test
    @DisplayName("stored bytes are exactly the UTF-8 of the given strings (Patroni reads the same keys)")
    void storedBytesAreExactlyTheGivenStrings() throws Exception {
        String scope = newScope();
        String name = "nöde-1";
        Dcs node = node(scope, name);
        String member = "{\"conn_url\":\"postgres://10.0.0.12:5432/postgres\",\"api_url\":\"http://10.0.0.12:8008/patroni\","
                + "\"state\":\"running\",\"role\":\"primary\",\"version\":\"4.1.4\",\"xlog_location\":50332160,"
                + "\"timeline\":2,\"tags\":{\"zone\":\"Zürich – 東京\"}}";
        String config = "{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,\"postgresql\":{\"use_pg_rewind\":true}}";
        String status = "{\"optime\":83886432,\"slots\":{\"pg_node_2\":83886432}}";
        String history = "[[1,50331808,\"no recovery target specified\",\"2025-02-28T09:14:03.123456+01:00\",\"pg-node-2\"]]";
        String failover = "{\"leader\":\"nöde-1\",\"member\":\"pg-node-2\"}";
        String sync = "{\"leader\":\"nöde-1\",\"quorum\":0,\"sync_standby\":\"pg-node-2\"}";
        String failsafe = "{\"nöde-1\":\"http://10.0.0.12:8008/patroni\"}";
        assertTrue(node.touchMember(member));
        assertTrue(node.attemptToAcquireLeader());
        assertTrue(node.initialize(true, ""));
        assertTrue(node.setConfigValue(config, OptionalLong.empty()));
        assertTrue(node.writeStatus(status));
        assertTrue(node.setHistoryValue(history));
        assertTrue(node.setFailoverValue(failover, OptionalLong.empty()));
        assertTrue(node.setSyncStateValue(sync, OptionalLong.empty()).isPresent());
        assertTrue(node.writeFailsafe(failsafe));

        String host = server.hostPort();
        assertRaw(host, key(scope, "members/" + name), member);
        assertRaw(host, key(scope, "leader"), name);
        assertRaw(host, key(scope, "initialize"), "");
        assertRaw(host, key(scope, "config"), config);
        assertRaw(host, key(scope, "status"), status);
        assertRaw(host, key(scope, "history"), history);
        assertRaw(host, key(scope, "failover"), failover);
        assertRaw(host, key(scope, "sync"), sync);
        assertRaw(host, key(scope, "failsafe"), failsafe);
        assertTrue(node.initialize(false, "7368210843297823012"));
        assertRaw(host, key(scope, "initialize"), "7368210843297823012");

        Cluster cluster = node(scope, "reader").getCluster();
        assertEquals(member, cluster.member(name).orElseThrow().value());
        assertEquals(name, cluster.leader().orElseThrow().name());
        assertEquals(config, cluster.config().orElseThrow().value());
        assertEquals(status, cluster.status().orElseThrow().value());
        assertEquals(history, cluster.history().orElseThrow().value());
        assertEquals(failover, cluster.failover().orElseThrow().value());
        assertEquals(sync, cluster.sync().orElseThrow().value());
        assertEquals(failsafe, cluster.failsafe().orElseThrow().value());
    }

    private void assertRaw(String hostPort, String key, String expected) throws Exception {
        Optional<byte[]> raw = readRaw(hostPort, key);
        assertTrue(raw.isPresent(), key + " is not stored");
        assertArrayEquals(expected.getBytes(UTF_8), raw.get(), key + " holds '" + new String(raw.get(), UTF_8) + "'");
    }

    @Test
    @DisplayName("deleteCluster removes every key of the cluster and nothing of another cluster")
    void deleteClusterRemovesEveryKey() throws Exception {
        String scope = newScope();
        String neighbour = newScope();
        Dcs node = node(scope, "node");
        Dcs next = node(neighbour, "node");
        assertTrue(node.initialize(true, "7368210843297823012"));
        assertTrue(node.setConfigValue("{}", OptionalLong.empty()));
        assertTrue(node.setHistoryValue("[]"));
        assertTrue(next.setConfigValue("{\"keep\":true}", OptionalLong.empty()));
        assertTrue(node.deleteCluster());
        Cluster cluster = node.getCluster();
        assertTrue(cluster.initialize().isEmpty() && cluster.config().isEmpty() && cluster.history().isEmpty()
                && cluster.members().isEmpty() && cluster.isUnlocked(), "left behind: " + cluster);
        assertTrue(readRaw(server.hostPort(), key(scope, "config")).isEmpty());
        assertEquals("{\"keep\":true}", next.getCluster().config().orElseThrow().value());
    }

    // ---------------------------------------------------------------- watch

    @Test
    @DisplayName("watch sleeps its timeout (+0.5 s for non-leaders on etcd/ZooKeeper), not woken by own writes; wakeup() wakes it")
    void watchSleepsItsTimeoutAndWakesOnWakeup() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader()); // own writes must not wake the writer
        node.getCluster();
        long started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.empty(), Duration.ofMillis(700)), "woken by its own writes");
        long leaderMs = millisSince(started);
        assertTrue(leaderMs >= 650 && leaderMs < 2000, "leader's wait should be the timeout, took " + leaderMs + " ms");

        started = System.nanoTime();
        assertFalse(node.watch(OptionalLong.of(1), Duration.ofMillis(700)));
        long replicaMs = millisSince(started);
        long extraMs = nonLeaderWatchExtra().toMillis();
        assertTrue(replicaMs >= 650 + extraMs && replicaMs < 2500 + extraMs,
                "non-leader wait should be timeout + " + extraMs + " ms, took " + replicaMs);

        Future<Boolean> sleeping = pool.submit(() -> node.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(200);
        node.wakeup();
        assertTrue(sleeping.get(5, TimeUnit.SECONDS), "wakeup() did not end the watch");
        node.wakeup(); // a wake-up while nobody sleeps is kept for the next watch
        assertTrue(node.watch(OptionalLong.empty(), Duration.ofSeconds(5)));
    }

    @Test
    @DisplayName("watch wakes early when another client deletes the leader key")
    void watchWakesWhenTheLeaderKeyIsDeleted() throws Exception {
        String scope = newScope();
        Dcs replica = node(scope, "replica");
        Dcs holder = node(scope, "holder");
        assertTrue(holder.attemptToAcquireLeader());
        Leader leader = replica.getCluster().leader().orElseThrow();
        drain(replica);

        long started = System.nanoTime();
        Future<Boolean> sleeping = pool.submit(() -> replica.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(500);
        assertTrue(holder.deleteLeader(leader));
        assertTrue(sleeping.get(10, TimeUnit.SECONDS), "watch was not woken by the leader key's deletion");
        long tookMs = millisSince(started);
        assertTrue(tookMs < 3000, "watch returned only after " + tookMs + " ms");
    }

    @Test
    @DisplayName("watch wakes early when another client acquires the lock or changes config")
    void watchWakesWhenTheLeaderKeyAppearsOrConfigChanges() throws Exception {
        Assumptions.assumeTrue(watchSeesOtherClientsWithoutLeaderVersion(),
                "this backend's watch without a leader version waits on the wake event only");
        String scope = newScope();
        Dcs replica = node(scope, "replica");
        Dcs other = node(scope, "other");
        assertTrue(other.setConfigValue("{\"ttl\":30}", OptionalLong.empty()));
        replica.getCluster();
        drain(replica);

        Future<Boolean> sleeping = pool.submit(() -> replica.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(300);
        long started = System.nanoTime();
        assertTrue(other.attemptToAcquireLeader());
        assertTrue(sleeping.get(10, TimeUnit.SECONDS), "watch was not woken by a new leader key");
        assertTrue(millisSince(started) < 3000, "woken only after " + millisSince(started) + " ms");

        drain(replica);
        sleeping = pool.submit(() -> replica.watch(OptionalLong.empty(), Duration.ofSeconds(20)));
        TimeUnit.MILLISECONDS.sleep(300);
        started = System.nanoTime();
        assertTrue(other.setConfigValue("{\"ttl\":31}", OptionalLong.empty()));
        assertTrue(sleeping.get(10, TimeUnit.SECONDS), "watch was not woken by a config change");
        assertTrue(millisSince(started) < 3000, "woken only after " + millisSince(started) + " ms");
    }

    // ---------------------------------------------------------------- timing changes

    @Test
    @DisplayName("a ttl change makes the next watch return at once and moves my keys to a new lease/session")
    void aTtlChangeRenewsTheSession() throws Exception {
        String scope = newScope();
        Dcs node = node(scope, "node");
        assertTrue(node.touchMember("{}"));
        String before = node.getCluster().member("node").orElseThrow().session();
        DcsTiming base = timing();
        node.setTiming(new DcsTiming(base.ttl() + 4, base.loopWait(), base.retryTimeout()));
        long started = System.nanoTime();
        assertTrue(node.watch(OptionalLong.empty(), Duration.ofSeconds(10)), "watch did not return after a ttl change");
        assertTrue(millisSince(started) < 2000);
        assertTrue(node.touchMember("{}"));
        Member after = node.getCluster().member("node").orElseThrow();
        assertNotEquals(before, after.session(), "member key still on the session granted for the old ttl");
        assertTrue(node.attemptToAcquireLeader());
        assertEquals(after.session(), node.getCluster().leader().orElseThrow().session());
    }

    // ---------------------------------------------------------------- failures

    @Test
    @DisplayName("server killed: reads and lock calls raise DcsException within retry_timeout, writes return false, close returns")
    void aKilledServerRaisesWithinRetryTimeoutAndNeverHangs() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 2);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plus(unreachableSlack());
        try (Server doomed = startServer()) {
            String scope = newScope();
            Dcs node = node(doomed.hostPort(), scope, "node", timing);
            assertTrue(node.touchMember("{}"));
            assertTrue(node.attemptToAcquireLeader());
            Leader leader = node.getCluster().leader().orElseThrow();

            doomed.kill();

            assertFailsWithin(bound, "get_cluster", node::getCluster);
            assertFailsWithin(bound, "update_leader", () -> node.updateLeader(leader));
            assertFailsWithin(bound, "attempt_to_acquire_leader", node::attemptToAcquireLeader);
            assertReturnsFalseWithin(bound, "touch_member", () -> node.touchMember("{\"changed\":true}"));
            assertReturnsFalseWithin(bound, "delete_leader", () -> node.deleteLeader(leader));
            long started = System.nanoTime();
            node.watch(OptionalLong.empty(), Duration.ofMillis(300)); // may be woken by the lost connection
            assertTrue(millisSince(started) < 2000, "watch with the server gone took " + millisSince(started) + " ms");
            long closing = System.nanoTime();
            node.close();
            assertTrue(millisSince(closing) < 6000, "closing took " + millisSince(closing) + " ms");
        }
    }

    @Test
    @DisplayName("server silent (black hole): calls raise DcsException within retry_timeout instead of hanging")
    void aSilentServerRaisesWithinRetryTimeout() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 2);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plus(unreachableSlack());
        String scope = newScope();
        TcpProxy cable = proxy();
        Dcs node = node(cable.hostPort(), scope, "node", timing);
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        assertEquals("node", node.getCluster().leader().orElseThrow().name());

        cable.freeze();

        assertFailsWithin(bound, "get_cluster", node::getCluster);
        assertReturnsFalseWithin(bound, "touch_member", () -> node.touchMember("{\"changed\":true}"));
        assertReturnsFalseWithin(bound, "set_config_value", () -> node.setConfigValue("{}", OptionalLong.empty()));
    }

    @Test
    @DisplayName("an endpoint where nothing listens: the first read raises DcsException within retry_timeout")
    void anEndpointThatNeverListenedRaises() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 2);
        String nowhere;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = "127.0.0.1:" + probe.getLocalPort(); // free, and closed again below: nothing listens there
        }
        long started = System.nanoTime();
        Dcs node = node(nowhere, newScope(), "node", timing);
        assertTrue(millisSince(started) < 3000, "opening the DCS blocked for " + millisSince(started) + " ms");
        assertFailsWithin(Duration.ofSeconds(timing.retryTimeout()).plus(unreachableSlack()), "get_cluster", node::getCluster);
    }
}
