package io.jpatroni.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.DemoteMode;
import io.jpatroni.core.ha.HaAction;
import io.jpatroni.core.ha.HaDecider;
import io.jpatroni.core.ha.HaInput;
import io.jpatroni.core.ha.HaSettings;
import io.jpatroni.core.ha.LocalNode;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Regression for the decision bug the simulator found with seed 4453: a node frozen in the middle
 * of its promotion wakes up after its lease expired and another node took the lock; its
 * PostgreSQL has meanwhile left recovery, but because the async "promote" task is still finishing
 * (CHECKPOINT) the decision was "promote in progress" and it kept accepting writes without the lock.
 */
class AsyncActionSafetyTest {

    private static final String SYSID = "7000000000000000001";

    private static ClusterView cluster(String leader) {
        List<KeyLayout.Node> nodes = new java.util.ArrayList<>(List.of(
                new KeyLayout.Node("initialize", SYSID, 1, null),
                new KeyLayout.Node("members/node2", "{\"role\":\"primary\",\"state\":\"running\"}", 2, "9")));
        if (leader != null) {
            nodes.add(new KeyLayout.Node("leader", leader, 3, "9"));
        }
        Cluster raw = KeyLayout.assemble(nodes);
        return ClusterView.decode(raw);
    }

    private static LocalNode promoting(boolean alreadyPrimary) {
        return new LocalNode("node3", false, 1, false, Optional.of(SYSID), true, "running", "replica", alreadyPrimary,
                100, 2, true, Optional.of("promote"), BootstrapPhase.NONE, false);
    }

    private static Decision decide(ClusterView cluster, LocalNode local) {
        return HaDecider.decide(new HaInput(cluster, local, HaSettings.DEFAULTS, List.of(), Optional.empty(),
                java.time.Instant.EPOCH));
    }

    @Test
    void aPromotedPrimaryThatLostTheLockStopsAtOnce() {
        Decision d = decide(cluster("node2"), promoting(true));
        assertEquals(List.of(new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK)), d.actions());
        assertEquals("lost leader lock during promote", d.message());
    }

    @Test
    void aStartingServerIsLeftToItsAction() {
        LocalNode starting = new LocalNode("node3", false, 1, false, Optional.of(SYSID), true, "starting", "primary",
                true, 0, 0, true, Optional.of("rejoin"), BootstrapPhase.NONE, false);
        assertTrue(decide(cluster("node2"), starting).actions().isEmpty());
    }

    @Test
    void stillInRecoveryItWaits() {
        assertTrue(decide(cluster("node2"), promoting(false)).actions().isEmpty());
    }

    @Test
    void aLocklessPrimaryIsStoppedAlsoWhenNobodyHoldsTheLock() {
        // Seed 6886: a promote that finished during a freeze after the lease expired.
        Decision d = decide(cluster(null), promoting(true));
        assertEquals(List.of(new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK)), d.actions());
    }

    @Test
    void theBootstrappingPrimaryRunsBeforeAnybodyMayHoldTheLock() {
        ClusterView initializing = ClusterView.decode(KeyLayout.assemble(List.of(
                new KeyLayout.Node("initialize", "", 1, null))));
        LocalNode bootstrapping = new LocalNode("node1", false, 1, false, Optional.of(SYSID), true, "running",
                "primary", true, 1, 1, true, Optional.of("bootstrap"), BootstrapPhase.NONE, false);
        assertTrue(decide(initializing, bootstrapping).actions().isEmpty());
    }

    @Test
    void seed4453NoLongerSplitsTheCluster() {
        Simulation.Result r = ClusterSimulationTest.runSeed(4453, SimConfig.Bug.NONE);
        assertTrue(r.violation().isEmpty(), () -> r.violation().get().toString());
    }
}
