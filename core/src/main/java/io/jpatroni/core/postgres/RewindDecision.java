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
        return needed(local, leaderTimeline, history, List.of(), checkpointEnd);
    }

    /**
     * @param localHistory my own {@code <timeline>.history} when my timeline equals the leader's:
     *                     two nodes promoted from the same parent without seeing each other's history
     *                     file get the same timeline number with different switch points, and only
     *                     the histories tell them apart
     */
    static boolean needed(LocalPosition local, long leaderTimeline, List<HistoryLine> history,
                          List<HistoryLine> localHistory, Supplier<OptionalLong> checkpointEnd) {
        if (local.timeline() > leaderTimeline) {
            return true;
        }
        if (local.timeline() == leaderTimeline) {
            return !history.isEmpty() && !localHistory.isEmpty() && !sameSwitch(last(history), last(localHistory));
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

    private static HistoryLine last(List<HistoryLine> lines) {
        return lines.get(lines.size() - 1);
    }

    private static boolean sameSwitch(HistoryLine a, HistoryLine b) {
        return a.parentTimeline() == b.parentTimeline() && a.switchLsn() == b.switchLsn();
    }
}
