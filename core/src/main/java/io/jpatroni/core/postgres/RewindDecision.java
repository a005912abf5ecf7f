package io.jpatroni.core.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** The pure part of the rewind check (§13.2 step 4): compare my timeline/LSN with the leader's history. */
final class RewindDecision {
    /** One line of a timeline history file: the parent timeline and where the child branched off. */
    record HistoryLine(long parentTimeline, long switchLsn, String reason) {
    }

    /** Where this node stands: timeline, LSN, and whether it was a replica (in recovery). */
    record LocalPosition(long timeline, long lsn, boolean inRecovery) {
    }

    private RewindDecision() {
    }

    static List<HistoryLine> parseHistory(String content) {
        List<HistoryLine> out = new ArrayList<>();
        for (String raw : content.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 3);
            if (parts.length < 2) {
                continue;
            }
            try {
                out.add(new HistoryLine(Long.parseLong(parts[0]), Lsn.parse(parts[1]), parts.length > 2 ? parts[2] : ""));
            } catch (IllegalArgumentException e) {
                // skip malformed lines; a missing parent timeline means NEED below
            }
        }
        return out;
    }

    /**
     * @param checkpointEnd for a former primary whose LSN is before the switch point: the end of its last
     *                      checkpoint record (empty when it cannot be determined)
     */
    static boolean needed(LocalPosition local, long leaderTimeline, List<HistoryLine> history,
                          Supplier<OptionalLong> checkpointEnd) {
        if (local.timeline() > leaderTimeline) {
            return true;
        }
        if (local.timeline() == leaderTimeline) {
            return false;
        }
        for (HistoryLine h : history) {
            if (h.parentTimeline() > local.timeline()) {
                return true; // the leader's history passed my timeline without a branch I know
            }
            if (h.parentTimeline() == local.timeline()) {
                if (local.inRecovery()) {
                    return local.lsn() > h.switchLsn();
                }
                if (local.lsn() >= h.switchLsn()) {
                    return true;
                }
                OptionalLong end = checkpointEnd.get();
                return end.isEmpty() || end.getAsLong() != h.switchLsn();
            }
        }
        return true;
    }
}
