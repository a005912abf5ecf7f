package io.jpatroni.core.postgres;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewindDecisionTest {
    private static final List<RewindDecision.HistoryLine> HISTORY = RewindDecision.parseHistory(
            "1\t0/3000148\tno recovery target specified\n\n2\t0/5000000\tno recovery target specified\n");

    private static boolean needed(long tl, long lsn, boolean replica, long leaderTl, OptionalLong checkpointEnd) {
        return RewindDecision.needed(new RewindDecision.LocalPosition(tl, lsn, replica), leaderTl, HISTORY, () -> checkpointEnd);
    }

    @Test
    void parsesHistory() {
        assertEquals(2, HISTORY.size());
        assertEquals(new RewindDecision.HistoryLine(1, 0x3000148L, "no recovery target specified"), HISTORY.get(0));
    }

    @Test
    void sameOrHigherTimeline() {
        assertFalse(needed(3, 0x9000000L, true, 3, OptionalLong.empty()));
        assertTrue(needed(4, 0x1000000L, true, 3, OptionalLong.empty()));
    }

    @Test
    void replicaNeedsRewindOnlyPastTheSwitchPoint() {
        assertFalse(needed(1, 0x3000148L, true, 3, OptionalLong.empty()));
        assertTrue(needed(1, 0x3000149L, true, 3, OptionalLong.empty()));
        assertFalse(needed(2, 0x4000000L, true, 3, OptionalLong.empty()));
    }

    @Test
    void formerPrimaryComparesItsCheckpointRecordEnd() {
        assertTrue(needed(1, 0x3000148L, false, 3, OptionalLong.empty()));
        assertFalse(needed(1, 0x30000D0L, false, 3, OptionalLong.of(0x3000148L)));
        assertTrue(needed(1, 0x30000D0L, false, 3, OptionalLong.of(0x3000100L)));
        assertTrue(needed(1, 0x30000D0L, false, 3, OptionalLong.empty()));
    }

    @Test
    void unknownTimelineNeedsRewind() {
        assertTrue(RewindDecision.needed(new RewindDecision.LocalPosition(5, 1, true), 7,
                RewindDecision.parseHistory("1\t0/3000148\tx\n6\t0/6000000\ty\n"), OptionalLong::empty));
        assertTrue(RewindDecision.needed(new RewindDecision.LocalPosition(2, 1, true), 3, List.of(), OptionalLong::empty));
    }

    @Test
    void sameTimelineNumberWithAnotherSwitchPointHasDiverged() {
        var leaderHistory = RewindDecision.parseHistory("1\t0/3000148\tx\n2\t0/5000000\ty\n");
        var sameFork = RewindDecision.parseHistory("1\t0/3000148\tx\n2\t0/5000000\ty\n");
        var otherFork = RewindDecision.parseHistory("1\t0/3000148\tx\n2\t0/5000200\ty\n");
        var me = new RewindDecision.LocalPosition(3, 0x6000000L, true);
        assertFalse(RewindDecision.needed(me, 3, leaderHistory, sameFork, OptionalLong::empty));
        assertTrue(RewindDecision.needed(me, 3, leaderHistory, otherFork, OptionalLong::empty));
        assertFalse(RewindDecision.needed(me, 3, leaderHistory, List.of(), OptionalLong::empty), "unknown: as before");
    }
}
