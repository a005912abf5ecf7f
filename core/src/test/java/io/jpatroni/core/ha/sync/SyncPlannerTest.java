package io.jpatroni.core.ha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.ClusterView.SyncInfo;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The primary's steps (ha-loop.md §16.2): add to the GUC before the key, remove from the key before the GUC. */
class SyncPlannerTest {

    private static final long MARK = 1000;

    private static List<MemberInfo> members(String... tagsByName) {
        List<KeyLayout.Node> nodes = new ArrayList<>();
        for (String spec : tagsByName) {
            String[] parts = spec.split(":", 2);
            String tags = parts.length > 1 ? parts[1] : "{}";
            nodes.add(new KeyLayout.Node("members/" + parts[0], "{\"state\":\"running\",\"role\":\"replica\",\"tags\":"
                    + tags + "}", nodes.size() + 1, null));
        }
        return ClusterView.decode(KeyLayout.assemble(nodes)).members();
    }

    private static SyncInfo key(String... standbys) {
        return new SyncInfo(Optional.of("node1"), List.of(standbys), 0, OptionalLong.of(7));
    }

    private static StandbyConnection streaming(String name, String syncState, long lsn) {
        return new StandbyConnection(name, "streaming", syncState, lsn);
    }

    private static SyncInput input(List<StandbyConnection> connections, SyncInfo sync, StandbyNames current,
                                   boolean strict) {
        return new SyncInput("node1", members("node1", "node2", "node3"), connections, 2000, 1, strict, -1, sync,
                current, MARK);
    }

    private static SyncStep.WriteSyncKey key(List<String> names) {
        return new SyncStep.WriteSyncKey(SyncPlanner.names(names));
    }

    private static SyncStep.SetStandbyNames guc(int num, String... names) {
        return new SyncStep.SetStandbyNames(StandbyNames.of(num, List.of(names)));
    }

    @Test
    void aNewStandbyGoesIntoTheGucFirstAndIntoTheKeyOnlyOnceItCaughtUp() {
        List<StandbyConnection> async = List.of(streaming("node2", "async", 1500));
        assertEquals(List.of(guc(1, "node2")), SyncPlanner.plan(input(async, key(), StandbyNames.NONE, false)));

        List<StandbyConnection> behindMark = List.of(streaming("node2", "sync", 900));
        assertEquals(List.of(), SyncPlanner.plan(input(behindMark, key(), StandbyNames.parse("node2"), false)));

        List<StandbyConnection> caughtUp = List.of(streaming("node2", "sync", 1100));
        assertEquals(List.of(key(List.of("node2"))),
                SyncPlanner.plan(input(caughtUp, key(), StandbyNames.parse("node2"), false)));
    }

    @Test
    void nothingToDoWhenKeyAndGucAgree() {
        List<StandbyConnection> rows = List.of(streaming("node2", "sync", 1500), streaming("node3", "potential", 1500));
        assertEquals(List.of(), SyncPlanner.plan(input(rows, key("node2"), StandbyNames.parse("node2"), false)));
    }

    @Test
    void aLostStandbyLeavesTheKeyBeforeTheGuc() {
        List<StandbyConnection> onlyNode3 = List.of(streaming("node3", "async", 1500));
        assertEquals(List.of(key(List.of()), guc(1, "node3")),
                SyncPlanner.plan(input(onlyNode3, key("node2"), StandbyNames.parse("node2"), false)));
    }

    @Test
    void nonStrictModeGoesAsynchronousWhenNoStandbyIsLeft() {
        assertEquals(List.of(key(List.of()), new SyncStep.SetStandbyNames(StandbyNames.NONE)),
                SyncPlanner.plan(input(List.of(), key("node2"), StandbyNames.parse("node2"), false)));
    }

    @Test
    void strictModeMakesCommitsWaitForAnyStandby() {
        assertEquals(List.of(key(List.of()), new SyncStep.SetStandbyNames(StandbyNames.ANY)),
                SyncPlanner.plan(input(List.of(), key("node2"), StandbyNames.parse("node2"), true)));
    }

    @Test
    void aKeyOfAnotherLeaderIsClaimedFirst() {
        SyncInfo old = new SyncInfo(Optional.of("node0"), List.of("node1"), 0, OptionalLong.of(3));
        List<StandbyConnection> rows = List.of(streaming("node2", "sync", 1500));
        assertEquals(List.of(key(List.of()), key(List.of("node2"))),
                SyncPlanner.plan(input(rows, old, StandbyNames.parse("node2"), false)));
    }

    @Test
    void nosyncMembersAndNotStreamingOnesAreNotPicked() {
        SyncInput in = new SyncInput("node1", members("node1", "node2:{\"nosync\":true}", "node3"),
                List.of(streaming("node2", "async", 1500), new StandbyConnection("node3", "startup", "async", 0)),
                2000, 1, false, -1, key(), StandbyNames.NONE, MARK);
        assertEquals(List.of(), SyncPlanner.plan(in));
    }

    @Test
    void aStandbyTooFarBehindIsSkippedWhenMaximumLagOnSyncnodeIsSet() {
        SyncInput in = new SyncInput("node1", members("node1", "node2", "node3"),
                List.of(streaming("node2", "async", 100), streaming("node3", "async", 5000)),
                6000, 2, false, 1000, key(), StandbyNames.NONE, MARK);
        assertEquals(List.of(guc(1, "node3")), SyncPlanner.plan(in));
    }

    @Test
    void synchronousNodeCountPicksThatManyStandbys() {
        SyncInput in = new SyncInput("node1", members("node1", "node2", "node3"),
                List.of(streaming("node2", "sync", 1500), streaming("node3", "sync", 1500)),
                2000, 2, false, -1, key(), StandbyNames.parse("2 (node2,node3)"), MARK);
        assertEquals(List.of(key(List.of("node2", "node3"))), SyncPlanner.plan(in));
    }
}
