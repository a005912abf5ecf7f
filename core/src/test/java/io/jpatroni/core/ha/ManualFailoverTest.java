package io.jpatroni.core.ha;

import static io.jpatroni.core.ha.Snapshot.cluster;
import static io.jpatroni.core.ha.Snapshot.input;
import static io.jpatroni.core.ha.Snapshot.primary;
import static io.jpatroni.core.ha.Snapshot.replica;
import static io.jpatroni.core.ha.Snapshot.replicaPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.jpatroni.core.cluster.ClusterView;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ManualFailoverTest {

    private static ClusterView withRequest(String failoverJson) {
        return cluster().leader("node1").member("node1", "primary", 500).member("node2", "replica", 500)
                .member("node3", "replica", 500).optime(500).with("failover", failoverJson).view();
    }

    private static Decision held(Decision d) {
        return assertInstanceOf(HaAction.RenewLock.class, d.actions().get(d.actions().size() - 1)).ifHeld();
    }

    @Test
    void theLeaderStepsDownGracefullyWhenTheCandidateIsHealthy() {
        Decision d = held(HaDecider.decide(input(withRequest("{\"leader\":\"node1\",\"member\":\"node2\"}"),
                primary("node1", 500), replicaPeer("node2", 500), replicaPeer("node3", 500))));
        assertEquals("switchover: demoting myself", d.message());
        assertEquals(new HaAction.Demote(DemoteMode.GRACEFUL), d.actions().get(d.actions().size() - 1));
    }

    @Test
    void withoutAHealthyCandidateTheRequestIsClearedWithItsVersion() {
        ClusterView view = withRequest("{\"leader\":\"node1\",\"member\":\"node2\"}");
        Decision d = held(HaDecider.decide(input(view, primary("node1", 500), PeerStatus.unreachable("node2"))));
        long version = view.failover().orElseThrow().version();
        assertEquals(new HaAction.ClearFailover(OptionalLong.of(version)), d.actions().get(d.actions().size() - 1));
    }

    @Test
    void aRequestForAnotherLeaderIsCleared() {
        Decision d = held(HaDecider.decide(input(withRequest("{\"leader\":\"node3\",\"member\":\"node2\"}"),
                primary("node1", 500), replicaPeer("node2", 500))));
        assertInstanceOf(HaAction.ClearFailover.class, d.actions().get(d.actions().size() - 1));
    }

    @Test
    void aScheduledSwitchoverWaitsForItsTime() {
        Decision d = held(HaDecider.decide(input(withRequest(
                "{\"leader\":\"node1\",\"member\":\"node2\",\"scheduled_at\":\"2026-11-22T13:00:00+00:00\"}"),
                primary("node1", 500), replicaPeer("node2", 500))));
        assertEquals("no action. I am (node1), the leader with the lock", d.message());
    }

    @Test
    void onceTheLockIsFreeTheNamedCandidateTakesItAndTheOthersLetIt() {
        ClusterView unlocked = cluster().member("node1", "replica", 500).member("node2", "replica", 500)
                .member("node3", "replica", 500).optime(500)
                .with("failover", "{\"leader\":\"node1\",\"member\":\"node2\"}").view();
        Decision candidate = HaDecider.decide(input(unlocked, replica("node2", 500), replicaPeer("node1", 500),
                replicaPeer("node3", 500)));
        assertInstanceOf(HaAction.TryAcquireLock.class, candidate.actions().get(0));
        Decision other = HaDecider.decide(input(unlocked, replica("node3", 500), replicaPeer("node1", 500),
                replicaPeer("node2", 500)));
        assertInstanceOf(HaAction.Follow.class, other.actions().get(0));
        Decision oldLeader = HaDecider.decide(input(unlocked, replica("node1", 500), replicaPeer("node2", 500),
                replicaPeer("node3", 500)));
        assertInstanceOf(HaAction.Follow.class, oldLeader.actions().get(0));
    }

    @Test
    void aSwitchoverWithoutCandidateGoesToTheHealthiestOtherNode() {
        ClusterView unlocked = cluster().member("node1", "replica", 500).member("node2", "replica", 500)
                .member("node3", "replica", 400).optime(500).with("failover", "{\"leader\":\"node1\"}").view();
        Decision node2 = HaDecider.decide(input(unlocked, replica("node2", 500), replicaPeer("node1", 500),
                replicaPeer("node3", 400)));
        assertInstanceOf(HaAction.TryAcquireLock.class, node2.actions().get(0));
        Decision node3 = HaDecider.decide(input(unlocked, replica("node3", 400), replicaPeer("node1", 500),
                replicaPeer("node2", 500)));
        assertInstanceOf(HaAction.Follow.class, node3.actions().get(0));
    }
}
