package io.jpatroni.plugin.dcs.etcd;

import io.jpatroni.testing.EtcdServer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * etcd-specific behaviour of the etcd backend against a real etcd 3.4 server (Debian's /usr/bin/etcd):
 * leases, raw key manipulation, etcdctl's view, the etcd: section, reconnection. The behaviour every
 * backend shares is checked by {@link EtcdContractIT} (the DCS contract test kit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdDcsIT {

    /** Small ttl so that expiry tests finish quickly; loop_wait + 2 × retry_timeout ≤ ttl. */
    private static final DcsTiming FAST = new DcsTiming(5, 1, 2);
    private static final AtomicInteger SCOPES = new AtomicInteger();

    private EtcdServer etcd;
    private Client raw;
    private final List<EtcdDcs> opened = new ArrayList<>();

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

}
