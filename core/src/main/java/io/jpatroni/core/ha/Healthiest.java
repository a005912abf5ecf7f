package io.jpatroni.core.ha;

/**
 * May this node take a free lock? ha-loop.md §8.2 and §8.2.1: never while starting, never with
 * nofailover, never too far behind the leader's last published position, never while a reachable
 * peer still runs as primary or is ahead of us.
 */
final class Healthiest {

    private Healthiest() {
    }

    static boolean isHealthiest(HaInput in) {
        LocalNode local = in.local();
        boolean requested = in.cluster().failover().isPresent();
        if (requested && in.settings().pause() && !local.nofailover()
                && in.cluster().failover().get().scheduledAt().isEmpty()) {
            return ManualFailover.candidateSide(in).orElse(false);
        }
        if (local.isStarting()) {
            return false;
        }
        if (local.runningAsPrimary()) {
            if (in.settings().pause()) {
                String init = in.cluster().initialize().orElse("");
                return init.isEmpty() || init.equals(local.sysid().orElse(""));
            }
            return local.timeline() >= in.cluster().timeline();
        }
        if (in.settings().pause() || local.nofailover()) {
            return false;
        }
        if (requested) {
            return ManualFailover.candidateSide(in).orElse(false);
        }
        return comparesWellWithPeers(in, true, java.util.Set.of());
    }

    /**
     * §8.2.1: compare my position with every reachable peer's, except {@code excluded} (the leader
     * stepping down in a switchover). The lag check is skipped for manual failovers.
     */
    static boolean comparesWellWithPeers(HaInput in, boolean lagCheck, java.util.Set<String> excluded) {
        LocalNode local = in.local();
        long lag = in.cluster().statusOptime() - local.walPosition();
        if (lagCheck && in.cluster().statusOptime() > 0 && lag > in.settings().maximumLagOnFailover()) {
            return false; // "My wal position exceeds maximum replication lag"
        }
        long clusterTimeline = in.cluster().timeline();
        if (in.settings().checkTimeline() && (local.timeline() == 0 || local.timeline() < clusterTimeline)) {
            return false;
        }
        for (PeerStatus peer : in.peers()) {
            if (peer.name().equals(local.name()) || !peer.usable() || excluded.contains(peer.name())) {
                continue;
            }
            if (!peer.inRecovery()) {
                return false; // "Primary (X) is still alive"
            }
            if (local.walPosition() < peer.walPosition()) {
                return false;
            }
            boolean lowerPriority = local.walPosition() == peer.walPosition()
                    && local.failoverPriority() < peer.failoverPriority();
            boolean peerIsFormerLeader = in.formerLeader().map(peer.name()::equals).orElse(false);
            if (lowerPriority && !peerIsFormerLeader) {
                return false;
            }
        }
        return true;
    }
}
