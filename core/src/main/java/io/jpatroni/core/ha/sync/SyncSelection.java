package io.jpatroni.core.ha.sync;

import io.jpatroni.core.cluster.MemberInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which standbys should be synchronous ({@code picked}) and which of them already are, safely
 * ({@code confirmed}): ha-loop.md §16.1 for synchronous_mode on and strict.
 */
public record SyncSelection(SortedSet<String> picked, SortedSet<String> confirmed) {

    public static SyncSelection of(SyncInput in) {
        List<Candidate> candidates = new ArrayList<>();
        for (StandbyConnection c : in.connections()) {
            if (!c.streaming()) {
                continue;
            }
            eligibleMember(in, c.applicationName()).ifPresent(m -> candidates.add(new Candidate(m, c)));
        }
        candidates.sort(Comparator.comparingInt((Candidate c) -> c.member.syncPriority())
                .thenComparing(c -> c.connection.syncState())
                .thenComparingLong(c -> c.connection.lsn())
                .reversed());
        long maxLsn = candidates.size() > 1
                ? candidates.stream().mapToLong(c -> c.connection.lsn()).max().getAsLong() : in.myWal();
        // Members allowed to fail over come first: they are the ones a promotion can use.
        List<Candidate> ordered = new ArrayList<>(candidates.stream().filter(c -> !c.member.nofailover()).toList());
        ordered.addAll(candidates.stream().filter(c -> c.member.nofailover()).toList());

        TreeSet<String> picked = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        TreeSet<String> confirmed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Candidate c : ordered) {
            if (picked.size() >= in.nodeCount()) {
                break;
            }
            if (in.maxLag() > 0 && maxLsn - c.connection.lsn() > in.maxLag()) {
                continue;
            }
            String name = c.member.name();
            picked.add(name);
            if (c.connection.reportedSync() && ready(in, name, c.connection)) {
                confirmed.add(name);
            }
        }
        return new SyncSelection(picked, confirmed);
    }

    /**
     * A standby may be written into the {@code sync} key only once it holds every commit the
     * primary acknowledged before it became synchronous: it is already listed, or it has flushed
     * past the position at which synchronous_standby_names last changed.
     */
    private static boolean ready(SyncInput in, String name, StandbyConnection c) {
        boolean listed = in.voters().stream().anyMatch(name::equalsIgnoreCase);
        return listed || c.lsn() >= in.flushMark();
    }

    private static Optional<MemberInfo> eligibleMember(SyncInput in, String applicationName) {
        return in.members().stream()
                .filter(m -> m.name().equalsIgnoreCase(applicationName))
                .filter(m -> !m.name().equalsIgnoreCase(in.me()))
                .filter(m -> "running".equals(m.state()) && !m.nosync())
                .findFirst();
    }

    private record Candidate(MemberInfo member, StandbyConnection connection) {
    }
}
