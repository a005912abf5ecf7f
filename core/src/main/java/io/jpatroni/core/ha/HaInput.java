package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.ClusterView;
import java.util.List;
import java.util.Optional;

/**
 * Everything one decision looks at. {@code peers} is filled only when the leader race needs it
 * (cluster unlocked); {@code formerLeader} is the leader of the last snapshot that had one.
 */
public record HaInput(ClusterView cluster, LocalNode local, HaSettings settings, List<PeerStatus> peers,
                      Optional<String> formerLeader) {

    public HaInput {
        peers = List.copyOf(peers);
    }

    public boolean hasLock() {
        return cluster.leaderName().map(local.name()::equals).orElse(false);
    }

    /** The node's log prefix, e.g. "PAUSE: " while in maintenance mode. */
    String prefix() {
        return settings.pause() ? "PAUSE: " : "";
    }
}
