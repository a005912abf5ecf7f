package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.ClusterView;
import java.util.List;
import java.util.Optional;

/**
 * Everything one decision looks at. {@code peers} is filled only when the decision needs them (a
 * leader race, or a pending switchover); {@code formerLeader} is the leader of the last snapshot
 * that had one; {@code now} is the wall-clock instant of the iteration (scheduled switchovers).
 */
public record HaInput(ClusterView cluster, LocalNode local, HaSettings settings, List<PeerStatus> peers,
                      Optional<String> formerLeader, java.time.Instant now) {

    public HaInput {
        peers = List.copyOf(peers);
    }

    public boolean hasLock() {
        return cluster.leaderName().map(local.name()::equals).orElse(false);
    }

    /** Synchronous mode is on and the {@code sync} key names its leader: only its members may take over. */
    boolean syncActive() {
        return settings.synchronousMode() && cluster.sync().isActive();
    }

    /** Named in the {@code sync} key, as a standby or as its leader. */
    boolean inSync(String name) {
        return cluster.sync().matches(name, true);
    }

    /** The node's log prefix, e.g. "PAUSE: " while in maintenance mode. */
    String prefix() {
        return settings.pause() ? "PAUSE: " : "";
    }
}
