package io.jpatroni.core.ha.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The primary's per-iteration steps in synchronous_mode on/strict (ha-loop.md §16.2), pure.
 * The invariant they keep: the {@code sync} key names a standby only while PostgreSQL already
 * waits for it and it holds every acknowledged commit. So a name is added to the GUC first and
 * to the key second, and removed from the key first and from the GUC second.
 */
public final class SyncPlanner {

    private SyncPlanner() {
    }

    public static List<SyncStep> plan(SyncInput in) {
        SyncSelection selection = SyncSelection.of(in);
        SortedSet<String> picked = selection.picked();
        SortedSet<String> confirmed = selection.confirmed();
        List<SyncStep> steps = new ArrayList<>();

        SortedSet<String> voters = names(in.voters());
        if (!in.ownsSyncKey()) {
            steps.add(new SyncStep.WriteSyncKey(names(List.of())));
            voters = names(List.of());
        }
        if (picked.equals(voters) && !voters.equals(confirmed)) {
            steps.add(new SyncStep.WriteSyncKey(confirmed)); // repair a key that claims too much
            voters = confirmed;
        }
        SortedSet<String> common = names(voters);
        common.retainAll(confirmed);
        if (!common.equals(voters)) {
            steps.add(new SyncStep.WriteSyncKey(common));
        }
        StandbyNames wanted = StandbyNames.forStandbys(picked, in.strict());
        if (!wanted.equals(in.current())) {
            steps.add(new SyncStep.SetStandbyNames(wanted));
        }
        if (!confirmed.isEmpty() && !confirmed.equals(common)) {
            steps.add(new SyncStep.WriteSyncKey(confirmed));
        }
        return steps;
    }

    static SortedSet<String> names(Collection<String> names) {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }
}
