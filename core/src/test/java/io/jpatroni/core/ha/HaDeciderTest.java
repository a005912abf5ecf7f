package io.jpatroni.core.ha;

import static io.jpatroni.core.ha.Snapshot.SYSID;
import static io.jpatroni.core.ha.Snapshot.cluster;
import static io.jpatroni.core.ha.Snapshot.emptyNode;
import static io.jpatroni.core.ha.Snapshot.input;
import static io.jpatroni.core.ha.Snapshot.primary;
import static io.jpatroni.core.ha.Snapshot.replica;
import static io.jpatroni.core.ha.Snapshot.replicaPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.HaAction.Demote;
import io.jpatroni.core.ha.HaAction.Follow;
import io.jpatroni.core.ha.HaAction.Promote;
import io.jpatroni.core.ha.HaAction.RenewLock;
import io.jpatroni.core.ha.HaAction.TryAcquireLock;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HaDeciderTest {

    private static <T extends HaAction> T only(Decision d, Class<T> type) {
        assertEquals(1, d.actions().size(), () -> "actions: " + d.actions());
        return assertInstanceOf(type, d.actions().get(0));
    }

    @Nested
    class LeaderRace {
        ClusterView unlocked = cluster().member("node1", "primary", 500).member("node2", "replica", 500)
                .member("node3", "replica", 400).optime(500).view();

        @Test
        void healthiestReplicaTakesTheLockAndPromotes() {
            Decision d = HaDecider.decide(input(unlocked, replica("node2", 500), replicaPeer("node3", 400),
                    PeerStatus.unreachable("node1")));
            TryAcquireLock race = only(d, TryAcquireLock.class);
            assertEquals("promoted self to leader by acquiring session lock", race.ifWon().message());
            assertInstanceOf(Promote.class, race.ifWon().actions().get(0));
            assertEquals("following new leader after trying and failing to obtain lock", race.ifLost().message());
        }

        @Test
        void pausedPrimaryThatLosesTheRaceKeepsRunning() {
            HaSettings paused = new HaSettings(30, 10, 1048576, false, true, 300);
            HaInput in = new HaInput(unlocked, primary("node1", 500), paused,
                    List.of(replicaPeer("node2", 500), replicaPeer("node3", 400)), Optional.empty(), Snapshot.NOW);
            TryAcquireLock race = only(HaDecider.decide(in), TryAcquireLock.class);
            assertTrue(race.ifLost().actions().isEmpty(), () -> "lost: " + race.ifLost());
            assertEquals("PAUSE: continue to run as primary without lock", race.ifLost().message());
            TryAcquireLock unpaused = only(HaDecider.decide(input(unlocked, primary("node1", 500),
                    replicaPeer("node2", 500))), TryAcquireLock.class);
            only(unpaused.ifLost(), Demote.class);
        }

        @Test
        void replicaBehindAPeerDoesNotRace() {
            Decision d = HaDecider.decide(input(unlocked, replica("node3", 400), replicaPeer("node2", 500)));
            only(d, Follow.class);
            assertEquals("following a different leader because i am not the healthiest node: node2 exceeds my wal position",
                    d.message());
        }

        @Test
        void aReachablePrimaryBlocksPromotion() {
            PeerStatus stillPrimary = new PeerStatus("node1", true, false, 0, 1, java.util.OptionalLong.of(1));
            Decision d = HaDecider.decide(input(unlocked, replica("node2", 500), stillPrimary));
            only(d, Follow.class);
        }

        @Test
        void nofailoverNeverRaces() {
            LocalNode tagged = new LocalNode("node2", true, 0, false, Optional.of(SYSID), true, "running", "replica",
                    false, 900, 1, true, Optional.empty(), BootstrapPhase.NONE, false);
            Decision d = HaDecider.decide(input(unlocked, tagged));
            assertEquals("following a different leader because I am not allowed to promote", d.message());
        }

        @Test
        void tooMuchLagBehindTheLastKnownLeaderPositionDisqualifies() {
            ClusterView far = cluster().member("node2", "replica", 0).optime(10 * 1048576L).view();
            Decision d = HaDecider.decide(input(far, replica("node2", 1)));
            only(d, Follow.class);
        }

        @Test
        void equalPositionsLetEveryoneRaceTheDcsDecides() {
            Decision d = HaDecider.decide(input(unlocked, replica("node3", 500), replicaPeer("node2", 500)));
            only(d, TryAcquireLock.class);
        }

        @Test
        void lowerFailoverPriorityYieldsOnEqualPositions() {
            PeerStatus preferred = new PeerStatus("node2", true, true, 500, 5, java.util.OptionalLong.of(1));
            Decision d = HaDecider.decide(input(unlocked, replica("node3", 500), preferred));
            only(d, Follow.class);
        }

        /**
         * The cluster left timeline 1 at 500,000 (DCS history) and is on timeline 2 at 2,000,000. A
         * replica still on timeline 1 at 1,900,000 (a former primary not yet rewound) holds only
         * 500,000 of that history: 1,500,000 bytes behind, not 100,000 (simulator seeds 73860, 89507).
         */
        private static LocalNode onTimeline(String name, long wal, long timeline) {
            return new LocalNode(name, false, 1, false, Optional.of(SYSID), true, "running", "replica", false, wal,
                    timeline, true, Optional.empty(), BootstrapPhase.NONE, false);
        }

        private final ClusterView forked = cluster().with("history", "[[1,500000,\"no recovery target specified\"]]")
                .member("node2", "replica", 1_900_000).member("node3", "replica", 2_000_000).optime(2_000_000).view();

        @Test
        void lagIsMeasuredOnTheClusterHistoryNotOnAForkedPosition() {
            HaInput in = new HaInput(forked, onTimeline("node2", 1_900_000, 1),
                    new HaSettings(30, 10, 500_000, false, false, 300), List.of(), Optional.empty(), Snapshot.NOW);
            only(HaDecider.decide(in), Follow.class);
            HaInput caughtUp = new HaInput(forked, onTimeline("node3", 1_900_000, 2),
                    new HaSettings(30, 10, 500_000, false, false, 300), List.of(), Optional.empty(), Snapshot.NOW);
            only(HaDecider.decide(caughtUp), TryAcquireLock.class);
        }

        @Test
        void aForkedPeerDoesNotOutrankACaughtUpReplica() {
            PeerStatus forkedPeer = new PeerStatus("node2", true, true, 2_500_000, 1, java.util.OptionalLong.of(1));
            Decision d = HaDecider.decide(input(forked, onTimeline("node3", 2_000_000, 2), forkedPeer));
            only(d, TryAcquireLock.class);
            // the same position on the cluster's current timeline does outrank it
            PeerStatus ahead = new PeerStatus("node2", true, true, 2_500_000, 1, java.util.OptionalLong.of(2));
            only(HaDecider.decide(input(forked, onTimeline("node3", 2_000_000, 2), ahead)), Follow.class);
        }

        @Test
        void aForkedReplicaDoesNotTakeOverForAnUnreachableSwitchoverCandidate() {
            ClusterView switchover = cluster().with("history", "[[1,500000,\"no recovery target specified\"]]")
                    .with("failover", "{\"leader\":\"node1\",\"member\":\"node3\"}")
                    .member("node2", "replica", 1_900_000).member("node3", "replica", 2_000_000).optime(2_000_000)
                    .view();
            Decision d = HaDecider.decide(input(switchover, onTimeline("node2", 1_900_000, 1),
                    PeerStatus.unreachable("node3")));
            only(d, Follow.class);
        }

        @Test
        void runningPrimaryOnAnOldTimelineDoesNotTakeTheLock() {
            ClusterView promotedElsewhere = cluster().with("history", "[[1,50331808,\"no recovery target specified\"]]")
                    .view();
            Decision d = HaDecider.decide(input(promotedElsewhere, primary("node1", 900)));
            Demote demote = only(d, Demote.class);
            assertEquals(DemoteMode.IMMEDIATE_NOLOCK, demote.mode());
        }
    }

    @Nested
    class Locked {
        @Test
        void leaderRenewsAndStaysPrimaryOrDemotesAtOnceWhenRefused() {
            ClusterView view = cluster().leader("node1").member("node1", "primary", 500).view();
            Decision d = HaDecider.decide(input(view, primary("node1", 500)));
            RenewLock renew = only(d, RenewLock.class);
            assertEquals("no action. I am (node1), the leader with the lock", renew.ifHeld().message());
            Demote demote = only(renew.ifLost(), Demote.class);
            assertEquals(DemoteMode.IMMEDIATE_NOLOCK, demote.mode());
        }

        @Test
        void lockOwnerStillInRecoveryPromotes() {
            ClusterView view = cluster().leader("node1").view();
            RenewLock renew = only(HaDecider.decide(input(view, replica("node1", 500))), RenewLock.class);
            only(renew.ifHeld(), Promote.class);
        }

        @Test
        void replicaFollowsTheLeader() {
            ClusterView view = cluster().leader("node1").member("node1", "primary", 500).view();
            Decision d = HaDecider.decide(input(view, replica("node2", 500)));
            assertEquals(Optional.of("node1"), only(d, Follow.class).leader());
            assertEquals("no action. I am (node2), a secondary, and following a leader (node1)", d.message());
        }

        @Test
        void aPrimaryWithoutTheLockStepsDownImmediately() {
            ClusterView view = cluster().leader("node2").view();
            Decision d = HaDecider.decide(input(view, primary("node1", 500)));
            assertEquals(DemoteMode.IMMEDIATE_NOLOCK, only(d, Demote.class).mode());
            assertEquals("demoting self because I do not have the lock and I was a leader", d.message());
        }

        @Test
        void lockOwnerRepairsAMissingInitializeKey() {
            ClusterView view = Snapshot.uninitialized().leader("node1").view();
            Decision d = HaDecider.decide(input(view, primary("node1", 500)));
            assertEquals(new HaAction.WriteInitialize(SYSID), d.actions().get(0));
            assertInstanceOf(RenewLock.class, d.actions().get(1));
        }
    }

    @Nested
    class DcsFailure {
        @Test
        void primaryDemotesOfflineWhenTheDcsIsUnreachable() {
            Decision d = HaDecider.onDcsFailure(primary("node1", 1), HaSettings.DEFAULTS);
            assertEquals(DemoteMode.OFFLINE, only(d, Demote.class).mode());
        }

        @Test
        void replicaKeepsStreaming() {
            Decision d = HaDecider.onDcsFailure(replica("node2", 1), HaSettings.DEFAULTS);
            assertTrue(d.actions().isEmpty());
            assertEquals("DCS is not accessible", d.message());
        }

        @Test
        void pausedPrimaryIsLeftAlone() {
            HaSettings paused = new HaSettings(30, 10, 1048576, false, true, 300);
            assertTrue(HaDecider.onDcsFailure(primary("node1", 1), paused).actions().isEmpty());
        }
    }

    @Nested
    class Bootstrap {
        @Test
        void firstNodeRacesForInitialize() {
            Decision d = HaDecider.decide(input(Snapshot.uninitialized().view(), emptyNode("node1")));
            HaAction.TryInitialize race = only(d, HaAction.TryInitialize.class);
            only(race.ifWon(), HaAction.Bootstrap.class);
            assertEquals("failed to acquire initialize lock", race.ifLost().message());
        }

        @Test
        void othersWaitWhileTheWinnerInitializes() {
            ClusterView initializing = Snapshot.uninitialized().with("initialize", "").view();
            Decision d = HaDecider.decide(input(initializing, emptyNode("node2")));
            assertEquals("waiting for leader to bootstrap", d.message());
            assertTrue(d.actions().isEmpty());
        }

        @Test
        void emptyNodeClonesFromTheLeader() {
            ClusterView view = cluster().leader("node1").member("node1", "primary", 500).view();
            Decision d = HaDecider.decide(input(view, emptyNode("node2")));
            assertEquals("node1", only(d, HaAction.CloneFrom.class).member());
            assertEquals("trying to bootstrap from leader 'node1'", d.message());
        }

        @Test
        void aSuccessfulBootstrapIsCompletedByTheLoop() {
            LocalNode done = new LocalNode("node1", false, 1, false, Optional.of(SYSID), true, "running", "primary",
                    true, 1, 1, true, Optional.empty(), BootstrapPhase.SUCCEEDED, false);
            Decision d = HaDecider.decide(input(Snapshot.uninitialized().with("initialize", "").view(), done));
            assertEquals(List.of(new HaAction.CompleteBootstrap(), new HaAction.MaintainPrimary()), d.actions());
        }
    }

    @Nested
    class Recovery {
        @Test
        void crashedPrimaryHoldingTheLockRestartsInPlace() {
            LocalNode crashed = new LocalNode("node1", false, 1, false, Optional.of(SYSID), false, "crashed",
                    "primary", false, 0, 1, true, Optional.empty(), BootstrapPhase.NONE, false);
            ClusterView view = cluster().leader("node1").view();
            RenewLock renew = only(HaDecider.decide(input(view, crashed)), RenewLock.class);
            only(renew.ifHeld(), HaAction.StartPrimaryInPlace.class);
            only(renew.ifLost(), HaAction.Rejoin.class);
        }

        @Test
        void stoppedNodeRejoinsTheLeader() {
            LocalNode stopped = new LocalNode("node1", false, 1, false, Optional.of(SYSID), false, "stopped",
                    "uninitialized", false, 0, 0, true, Optional.empty(), BootstrapPhase.NONE, true);
            ClusterView view = cluster().leader("node2").member("node2", "primary", 900).view();
            Decision d = HaDecider.decide(input(view, stopped));
            assertEquals(Optional.of("node2"), only(d, HaAction.Rejoin.class).leader());
            assertEquals("starting as a secondary", d.message());
        }

        @Test
        void foreignSystemIdStopsTheDaemon() {
            LocalNode other = new LocalNode("node1", false, 1, false, Optional.of("1111111111111111111"), true,
                    "running", "replica", false, 0, 1, true, Optional.empty(), BootstrapPhase.NONE, false);
            only(HaDecider.decide(input(cluster().leader("node2").view(), other)), HaAction.ExitDaemon.class);
        }

        @Test
        void existingDataDirectoryIsAdoptedByAnUninitializedCluster() {
            LocalNode running = new LocalNode("node1", false, 1, false, Optional.of(SYSID), true, "running",
                    "primary", true, 10, 1, true, Optional.empty(), BootstrapPhase.NONE, true);
            Decision d = HaDecider.decide(input(Snapshot.uninitialized().view(), running));
            assertEquals(new HaAction.WriteInitialize(SYSID), d.actions().get(0));
            assertInstanceOf(TryAcquireLock.class, d.actions().get(1));
        }
    }

    @Test
    void asyncActionKeepsTheLockAliveAndNeverRaces() {
        LocalNode busy = new LocalNode("node1", false, 1, false, Optional.of(SYSID), true, "running", "replica",
                false, 1, 1, true, Optional.of("promote"), BootstrapPhase.NONE, false);
        RenewLock renew = only(HaDecider.decide(input(cluster().leader("node1").view(), busy)), RenewLock.class);
        assertEquals("updated leader lock during promote", renew.ifHeld().message());
        Decision unlocked = HaDecider.decide(input(cluster().view(), busy));
        assertEquals(List.of(), unlocked.actions());
        assertEquals("promote in progress", unlocked.message());
    }
}
