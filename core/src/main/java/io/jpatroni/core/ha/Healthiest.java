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
        boolean switchover = requested && in.cluster().failover().get().leader().isPresent();
        if (switchover && in.syncActive() && !in.inSync(local.name())) {
            return false;
        }
        if (requested) {
            return ManualFailover.candidateSide(in).orElse(false);
        }
        if (in.syncActive() && !in.inSync(local.name())) {
            return false; // an asynchronous standby may miss acknowledged commits
        }
        return comparesWellWithPeers(in, true, java.util.Set.of());
    }

    /**
     * §8.2.1: compare my position with every reachable peer's, except {@code excluded} (the leader
     * stepping down in a switchover). The lag check is skipped for manual failovers. In synchronous
     * mode only the members of the {@code sync} key count, and the old primary (its leader) may be
     * ahead: what it has beyond the synchronous standby's position was never acknowledged.
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
        boolean sync = in.syncActive();
        java.util.Optional<String> formerLeader = sync ? in.cluster().sync().leader() : in.formerLeader();
        for (PeerStatus peer : in.peers()) {
            if (peer.name().equals(local.name()) || !peer.usable() || excluded.contains(peer.name())
                    || (sync && !in.inSync(peer.name()))) {
                continue;
            }
            if (!peer.inRecovery()) {
                return false; // "Primary (X) is still alive"
            }
            boolean peerIsFormerLeader = formerLeader.map(peer.name()::equalsIgnoreCase).orElse(false);
            if (local.walPosition() < peer.walPosition()) {
                if (sync && peerIsFormerLeader) {
                    continue;
                }
                return false;
            }
            boolean lowerPriority = local.walPosition() == peer.walPosition()
                    && local.failoverPriority() < peer.failoverPriority();
            if (lowerPriority && !peerIsFormerLeader) {
                return false;
            }
        }
        return true;
    }
}
