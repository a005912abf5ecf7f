package io.jpatroni.core.ha;

import static io.jpatroni.core.ha.Snapshot.NOW;
import static io.jpatroni.core.ha.Snapshot.cluster;
import static io.jpatroni.core.ha.Snapshot.replica;
import static io.jpatroni.core.ha.Snapshot.replicaPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who may take over in synchronous mode (ha-loop.md §8.2 step 10, §8.3, §8.4, §16.8). */
class SynchronousModeDecisionTest {

    private static final HaSettings SYNC = new HaSettings(30, 10, 1048576, false, false, 300, true);

    /** node1 was the primary, node2 its synchronous standby, node3 asynchronous. */
    private static Snapshot leaderless() {
        return cluster().member("node1", "primary", 500).member("node2", "replica", 500)
                .member("node3", "replica", 500).optime(500)
                .with("sync", "{\"leader\":\"node1\",\"quorum\":0,\"sync_standby\":\"node2\"}");
    }

    private static HaInput input(ClusterView view, HaSettings settings, LocalNode local, PeerStatus... peers) {
        return new HaInput(view, local, settings, List.of(peers), Optional.of("node1"), NOW);
    }

    @Test
    void anAsynchronousStandbyNeverTakesOverEvenWhenAhead() {
        Decision d = HaDecider.decide(input(leaderless().view(), SYNC, replica("node3", 600),
                replicaPeer("node2", 500), PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.Follow.class, d.actions().get(0));
    }

    @Test
    void withoutSynchronousModeTheSameStandbyWouldRace() {
        HaSettings async = new HaSettings(30, 10, 1048576, false, false, 300, false);
        Decision d = HaDecider.decide(input(leaderless().view(), async, replica("node3", 600),
                replicaPeer("node2", 500), PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.TryAcquireLock.class, d.actions().get(0));
    }

    @Test
    void theSynchronousStandbyIgnoresAnAsynchronousPeerAhead() {
        // node3 received WAL the primary never got acknowledged; only sync members are compared.
        Decision d = HaDecider.decide(input(leaderless().view(), SYNC, replica("node2", 500),
                replicaPeer("node3", 600), PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.TryAcquireLock.class, d.actions().get(0));
    }

    @Test
    void theSynchronousStandbyMayBeBehindTheOldPrimaryItself() {
        // The old primary, back as a replica, holds unacknowledged WAL beyond its standby's position.
        Decision d = HaDecider.decide(input(leaderless().view(), SYNC, replica("node2", 500),
                replicaPeer("node1", 700)));
        assertInstanceOf(HaAction.TryAcquireLock.class, d.actions().get(0));
    }

    @Test
    void aKeyWithoutStandbysLeavesOnlyTheOldPrimaryEligible() {
        ClusterView alone = cluster().member("node1", "primary", 500).member("node2", "replica", 500).optime(500)
                .with("sync", "{\"leader\":\"node1\",\"quorum\":0,\"sync_standby\":null}").view();
        Decision d = HaDecider.decide(input(alone, SYNC, replica("node2", 500), PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.Follow.class, d.actions().get(0));
    }

    @Test
    void aSwitchoverCanOnlyHandOverToASynchronousStandby() {
        ClusterView view = leaderless().leader("node1")
                .with("failover", "{\"leader\":\"node1\",\"member\":\"node3\"}").view();
        HaInput leaderSide = new HaInput(view, Snapshot.primary("node1", 500), SYNC,
                List.of(replicaPeer("node2", 500), replicaPeer("node3", 500)), Optional.of("node1"), NOW);
        assertFalse(ManualFailover.failoverPossible(leaderSide, false));
        ClusterView toSync = leaderless().leader("node1")
                .with("failover", "{\"leader\":\"node1\",\"member\":\"node2\"}").view();
        HaInput toNode2 = new HaInput(toSync, Snapshot.primary("node1", 500), SYNC,
                List.of(replicaPeer("node2", 500), replicaPeer("node3", 500)), Optional.of("node1"), NOW);
        assertTrue(ManualFailover.failoverPossible(toNode2, false));
    }

    @Test
    void aManualFailoverWithoutLeaderMayChooseAnAsynchronousStandby() {
        ClusterView view = leaderless().with("failover", "{\"member\":\"node3\"}").view();
        Decision d = HaDecider.decide(input(view, SYNC, replica("node3", 500), replicaPeer("node2", 500)));
        assertEquals(HaAction.TryAcquireLock.class, d.actions().get(0).getClass());
    }

    @Test
    void aSwitchoverCandidateThatLeftTheSyncKeyDoesNotHoldUpTheRace() {
        // node1 released the lock for a switchover to node3, but node3 is no longer synchronous:
        // node2, the synchronous standby, must not wait for node3 (which would refuse the lock).
        ClusterView view = leaderless().with("failover", "{\"leader\":\"node1\",\"member\":\"node3\"}").view();
        Decision d = HaDecider.decide(input(view, SYNC, replica("node2", 500), replicaPeer("node3", 500),
                PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.TryAcquireLock.class, d.actions().get(0));
        Decision candidate = HaDecider.decide(input(view, SYNC, replica("node3", 500), replicaPeer("node2", 500),
                PeerStatus.unreachable("node1")));
        assertInstanceOf(HaAction.Follow.class, candidate.actions().get(0));
    }
}
