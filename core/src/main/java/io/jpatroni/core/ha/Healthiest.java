package io.jpatroni.core.ha;

import java.util.Optional;
import java.util.Set;

/**
 * May this node take a free lock? ha-loop.md §8.2 and §8.2.1: never while starting, never with
 * nofailover, never too far behind the leader's last published position, never while a reachable
 * peer still runs as primary or is ahead of us.
 */
final class Healthiest {

    private Healthiest() {
    }

    static boolean isHealthiest(HaInput in) {
        return whyNot(in).isEmpty();
    }

    /** Empty when this node may take the free lock, else why not, in Patroni's words where it has them. */
    static Optional<String> whyNot(HaInput in) {
        LocalNode local = in.local();
        boolean requested = in.cluster().failover().isPresent();
        if (requested && in.settings().pause() && !local.nofailover()
                && in.cluster().failover().get().scheduledAt().isEmpty()) {
            return fromRequest(in);
        }
        if (local.isStarting()) {
            return Optional.of("PostgreSQL is still starting");
        }
        if (local.runningAsPrimary()) {
            if (in.settings().pause()) {
                String init = in.cluster().initialize().orElse("");
                return init.isEmpty() || init.equals(local.sysid().orElse(""))
                        ? Optional.empty() : Optional.of("my system ID differs from the cluster's");
            }
            return local.timeline() >= in.cluster().timeline() ? Optional.empty()
                    : Optional.of("my timeline " + local.timeline() + " is behind the cluster's " + in.cluster().timeline());
        }
        if (in.settings().pause()) {
            return Optional.of("paused");
        }
        if (local.nofailover()) {
            return Optional.of("tagged nofailover");
        }
        boolean switchover = requested && in.cluster().failover().get().leader().isPresent();
        if ((switchover || !requested) && in.syncActive() && !in.inSync(local.name())) {
            return Optional.of("not a synchronous standby"); // it may miss acknowledged commits
        }
        if (requested) {
            return fromRequest(in);
        }
        return peerComparison(in, true, Set.of());
    }

    private static Optional<String> fromRequest(HaInput in) {
        return ManualFailover.candidateSide(in).orElse(false) ? Optional.empty()
                : Optional.of("the pending " + ManualFailover.actionName(in.cluster().failover().get())
                        + " leaves it to another node");
    }

    static boolean comparesWellWithPeers(HaInput in, boolean lagCheck, Set<String> excluded) {
        return peerComparison(in, lagCheck, excluded).isEmpty();
    }

    /**
     * §8.2.1: compare my position with every reachable peer's, except {@code excluded} (the leader
     * stepping down in a switchover). The lag check is skipped for manual failovers. In synchronous
     * mode only the members of the {@code sync} key count, and the old primary (its leader) may be
     * ahead: what it has beyond the synchronous standby's position was never acknowledged.
     */
    private static Optional<String> peerComparison(HaInput in, boolean lagCheck, Set<String> excluded) {
        LocalNode local = in.local();
        long mine = onClusterHistory(in.cluster(), local.timeline(), local.walPosition());
        long lag = in.cluster().statusOptime() - mine;
        if (lagCheck && in.cluster().statusOptime() > 0 && lag > in.settings().maximumLagOnFailover()) {
            return Optional.of("My wal position exceeds maximum replication lag (" + lag + " bytes behind)");
        }
        long clusterTimeline = in.cluster().timeline();
        if (in.settings().checkTimeline() && (local.timeline() == 0 || local.timeline() < clusterTimeline)) {
            return Optional.of("my timeline " + local.timeline() + " is behind the cluster's " + clusterTimeline);
        }
        boolean sync = in.syncActive();
        Optional<String> formerLeader = sync ? in.cluster().sync().leader() : in.formerLeader();
        for (PeerStatus peer : in.peers()) {
            if (peer.name().equals(local.name()) || !peer.usable() || excluded.contains(peer.name())
                    || (sync && !in.inSync(peer.name()))) {
                continue;
            }
            if (!peer.inRecovery()) {
                return Optional.of("Primary (" + peer.name() + ") is still alive");
            }
            boolean peerIsFormerLeader = formerLeader.map(peer.name()::equalsIgnoreCase).orElse(false);
            long theirs = onClusterHistory(in.cluster(), peer.timeline().orElse(0), peer.walPosition());
            if (mine < theirs) {
                if (sync && peerIsFormerLeader) {
                    continue;
                }
                return Optional.of(peer.name() + " exceeds my wal position");
            }
            boolean lowerPriority = mine == theirs
                    && local.failoverPriority() < peer.failoverPriority();
            if (lowerPriority && !peerIsFormerLeader) {
                return Optional.of(peer.name() + " has equal wal position and higher failover priority");
            }
        }
        return Optional.empty();
    }

    /**
     * How much of the cluster's history a position on {@code timeline} holds. A node still on a
     * timeline the cluster has left (the DCS {@code history} key says where it ended) has only what
     * it wrote before that switch: WAL past it is a fork (a primary demoted without a rewind yet)
     * that a promotion would keep and everything the later timelines acknowledged would be lost.
     * Raw LSNs would let such a node pass the lag check and outrank caught-up peers (the
     * simulator's seeds 21467, 73860, 89507). Unknown timelines keep the raw position (§8.2.1).
     */
    static long onClusterHistory(io.jpatroni.core.cluster.ClusterView cluster, long timeline, long position) {
        if (timeline <= 0 || timeline >= cluster.timeline() || cluster.history().isEmpty()) {
            return position;
        }
        for (java.util.List<Object> line : cluster.history().get()) {
            if (line.size() >= 2 && line.get(0) instanceof Number tl && line.get(1) instanceof Number end
                    && tl.longValue() == timeline) {
                return Math.min(position, end.longValue());
            }
        }
        return position;
    }
}
