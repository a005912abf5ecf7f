package io.jpatroni.core.ha;

import static io.jpatroni.core.ha.Snapshot.emptyNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ha-loop.md §3.1 item 3: an empty node restores itself without a leader only through a no_leader method. */
class CloneWithoutLeaderTest {

    private static final HaSettings NO_LEADER_METHOD = new HaSettings(30, 10, 1048576, false, false, 300, false, true);

    private static Decision decide(ClusterView view, HaSettings settings) {
        return HaDecider.decide(new HaInput(view, emptyNode("node2"), settings, List.of(), Optional.empty(), Snapshot.NOW));
    }

    @Test
    void anInitializedClusterWithoutLeaderIsRestoredFromABackup() {
        ClusterView view = Snapshot.uninitialized().with("initialize", "6912345678901234567").view();
        Decision d = decide(view, NO_LEADER_METHOD);
        assertEquals("trying to bootstrap (without leader)", d.message());
        assertEquals(List.of(new HaAction.CloneWithoutLeader()), d.actions());
    }

    @Test
    void withoutSuchAMethodTheNodeWaits() {
        ClusterView view = Snapshot.uninitialized().with("initialize", "6912345678901234567").view();
        Decision d = decide(view, HaSettings.DEFAULTS);
        assertEquals("waiting for leader to bootstrap", d.message());
        assertTrue(d.actions().isEmpty());
    }

    @Test
    void notWhileAnotherNodeIsBootstrappingANewCluster() {
        ClusterView view = Snapshot.uninitialized().with("initialize", "").view();
        Decision d = decide(view, NO_LEADER_METHOD);
        assertEquals("waiting for leader to bootstrap", d.message());
    }
}
