package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table of rest-api.md §4.1-§4.3 for the typical node situations. */
class HealthCheckTest {

    private static final String[] PATHS = {"/", "/primary", "/master", "/read-write", "/leader", "/standby-leader",
            "/replica", "/read-only", "/health", "/sync", "/async", "/read-only-sync", "/patroni", "/foo"};

    private static FakeContext laggingReplica() {
        FakeContext c = FakeContext.replica("node2");
        c.status = FakeContext.replicaStatus("node2", 83886424 - 20 * 1048576, Map.of());
        return c;
    }

    private static FakeContext stopped() {
        FakeContext c = new FakeContext(FakeContext.stoppedStatus("node3"));
        c.leaderOptime = 83886424;
        return c;
    }

    /** Cluster paused and the DCS unreachable: the role alone decides, no lock is known. */
    private static FakeContext pausedPrimaryWithoutDcs() {
        FakeContext c = FakeContext.primary("node1");
        NodeStatus s = FakeContext.primaryStatus("node1");
        c.status = new NodeStatus(s.state(), s.role(), s.postmasterStartTime(), s.serverVersion(), s.xlog(),
                s.timeline(), s.replicationState(), s.replication(), false, true, true, s.dcsLastSeen(), s.tags(),
                s.databaseSystemIdentifier(), false, false, s.patroniVersion(), s.scope(), s.name());
        c.leaderLock = false;
        c.clusterKnown = false;
        return c;
    }

    static Stream<Arguments> matrix() {
        // columns follow PATHS
        return Stream.of(
                Arguments.of("primary holding the lock", FakeContext.primary("node1"),
                        new int[]{200, 200, 200, 200, 200, 503, 503, 200, 200, 503, 503, 200, 503, 503}),
                Arguments.of("streaming replica", FakeContext.replica("node2"),
                        new int[]{503, 503, 503, 503, 503, 503, 200, 200, 200, 503, 200, 503, 503, 503}),
                Arguments.of("replica with noloadbalance", FakeContext.replica("node3", Map.of("noloadbalance", true)),
                        new int[]{503, 503, 503, 503, 503, 503, 503, 503, 200, 503, 503, 503, 503, 503}),
                Arguments.of("lagging replica (no lag limit asked)", laggingReplica(),
                        new int[]{503, 503, 503, 503, 503, 503, 200, 200, 200, 503, 200, 503, 503, 503}),
                Arguments.of("stopped node", stopped(),
                        new int[]{503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503}),
                Arguments.of("paused primary, DCS unknown", pausedPrimaryWithoutDcs(),
                        new int[]{200, 200, 200, 200, 200, 503, 503, 200, 200, 503, 503, 503, 503, 503}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void codesPerPath(String situation, FakeContext context, int[] expected) {
        for (int i = 0; i < PATHS.length; i++) {
            assertEquals(expected[i], code(context, PATHS[i]), situation + " " + PATHS[i]);
        }
    }

    @Test
    void replicationStateParameterRequiresThatState() {
        FakeContext c = FakeContext.replica("node2");
        assertEquals(200, code(c, "/replica?replication_state=streaming"));
        assertEquals(503, code(c, "/replica?replication_state=in%20archive%20recovery"));
        assertEquals(503, code(c, "/read-only?replication_state=in%20archive%20recovery"));
        assertEquals(200, code(c, "/replica"), "no parameter: any state");
        assertEquals(503, code(FakeContext.primary("node1"), "/replica?replication_state=streaming"));
        NodeStatus s = FakeContext.replicaStatus("node2", 83886424, Map.of());
        c.status = new NodeStatus(s.state(), s.role(), s.postmasterStartTime(), s.serverVersion(), s.xlog(),
                s.timeline(), java.util.Optional.of("in archive recovery"), s.replication(), s.syncStandby(),
                s.pause(), s.clusterUnlocked(), s.dcsLastSeen(), s.tags(), s.databaseSystemIdentifier(),
                s.pendingRestart(), s.watchdogFailed(), s.patroniVersion(), s.scope(), s.name());
        assertEquals(200, code(c, "/replica?replication_state=in%20archive%20recovery"));
        assertEquals(503, code(c, "/replica?replication_state=streaming"));
    }

    @Test
    void lagParameterMakesALaggingReplicaUnavailable() {
        FakeContext c = laggingReplica();
        assertEquals(503, code(c, "/replica?lag=10MB"));
        assertEquals(503, code(c, "/read-only?lag=1048576"));
        assertEquals(200, code(c, "/replica?lag=21MB"));
        assertEquals(200, code(c, "/replica?lag=1GB"));
        assertEquals(200, code(c, "/replica?lag=10mb"), "units are case-sensitive: unparseable means no limit");
        assertEquals(200, code(c, "/health?lag=1"), "health does not look at lag");
        c.leaderOptime = 0;
        assertEquals(200, code(c, "/replica?lag=1"), "unknown leader position: never lagging");
    }

    @Test
    void tagFiltersCompareStringForms() {
        FakeContext c = FakeContext.replica("node2", Map.of("dc", "west", "nofailover", true, "weight", 1.4));
        assertEquals(200, code(c, "/replica?tag_dc=west"));
        assertEquals(503, code(c, "/replica?tag_dc=east"));
        assertEquals(200, code(c, "/replica?tag_nofailover=true&tag_weight=1.4"));
        assertEquals(503, code(c, "/replica?tag_nofailover=True"));
        assertEquals(503, code(c, "/replica?tag_rack=1"), "a missing tag fails");
        assertEquals(200, code(c, "/health?tag_dc=west"));
        FakeContext p = FakeContext.primary("node1");
        assertEquals(200, code(p, "/primary?tag_rack=1"), "role checks ignore tags");
        assertEquals(503, code(p, "/read-only?tag_rack=1"));
    }

    @Test
    void substringRulesInOrder() {
        FakeContext p = FakeContext.primary("node1");
        assertEquals(200, code(p, "/masterpiece"));
        assertEquals(200, code(p, "/leader/x"));
        assertEquals(503, code(p, "/standby_leader"));
        FakeContext r = FakeContext.replica("node2");
        assertEquals(200, code(r, "/replica/x"));
        assertEquals(503, code(r, "/read-only-quorum"));
        assertEquals(200, code(r, "/asynchronous"));
    }

    @Test
    void syncStandbyPaths() {
        FakeContext c = FakeContext.replica("node2");
        NodeStatus s = c.status;
        c.status = new NodeStatus(s.state(), s.role(), s.postmasterStartTime(), s.serverVersion(), s.xlog(),
                s.timeline(), s.replicationState(), s.replication(), true, false, false, s.dcsLastSeen(), s.tags(),
                s.databaseSystemIdentifier(), false, false, s.patroniVersion(), s.scope(), s.name());
        assertEquals(200, code(c, "/sync"));
        assertEquals(200, code(c, "/synchronous"));
        assertEquals(200, code(c, "/read-only-sync"));
        assertEquals(503, code(c, "/async"));
        c.clusterKnown = false;
        assertEquals(503, code(c, "/sync"), "exact sync paths need a known DCS");
    }

    @Test
    void standbyClusterLeader() {
        FakeContext c = FakeContext.replica("node1");
        c.leaderLock = true;
        c.standbyCluster = true;
        assertEquals(200, code(c, "/standby-leader"));
        assertEquals(200, code(c, "/standby_leader"));
        assertEquals(200, code(c, "/leader"));
        assertEquals(503, code(c, "/primary"));
        assertEquals(503, code(c, "/replica"), "the standby leader is no replica to balance on");
        assertEquals(200, code(c, "/read-only"));
    }

    @Test
    void lagLimitUnits() {
        assertEquals(OptionalLong.of(5), LagLimit.parse("5"));
        assertEquals(OptionalLong.of(5), LagLimit.parse("5B"));
        assertEquals(OptionalLong.of(5 * 1024), LagLimit.parse("5kB"));
        assertEquals(OptionalLong.of(16L << 20), LagLimit.parse("16MB"));
        assertEquals(OptionalLong.of(2L << 30), LagLimit.parse("2GB"));
        assertEquals(OptionalLong.of(1L << 40), LagLimit.parse("1TB"));
        assertEquals(OptionalLong.empty(), LagLimit.parse("5KB"));
        assertEquals(OptionalLong.empty(), LagLimit.parse("5 mb"));
        assertEquals(OptionalLong.empty(), LagLimit.parse("x"));
    }

    private static int code(FakeContext context, String pathAndQuery) {
        return HealthCheck.code(RestRequest.of("GET", pathAndQuery), context.status(), context);
    }
}
