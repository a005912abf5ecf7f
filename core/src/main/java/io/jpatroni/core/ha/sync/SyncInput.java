package io.jpatroni.core.ha.sync;

import io.jpatroni.core.cluster.ClusterView.SyncInfo;
import io.jpatroni.core.cluster.MemberInfo;
import java.util.List;

/**
 * What the primary looks at to manage synchronous replication in one iteration (ha-loop.md §16).
 *
 * @param nodeCount    synchronous_node_count, at least 1 in strict mode
 * @param maxLag       maximum_lag_on_syncnode in bytes, 0 or less = no limit
 * @param current      synchronous_standby_names as PostgreSQL has it now
 * @param flushMark    my WAL position when {@code current} last changed: a standby that has
 *                     flushed up to here holds every commit acknowledged before it became synchronous
 */
public record SyncInput(String me, List<MemberInfo> members, List<StandbyConnection> connections, long myWal,
                        int nodeCount, boolean strict, long maxLag, SyncInfo sync, StandbyNames current,
                        long flushMark) {

    public SyncInput {
        members = List.copyOf(members);
        connections = List.copyOf(connections);
    }

    /** The {@code sync} key's standbys when it is mine; a key owned by another leader counts as empty. */
    public List<String> voters() {
        return ownsSyncKey() ? sync.standbys() : List.of();
    }

    public boolean ownsSyncKey() {
        return sync.leader().map(me::equalsIgnoreCase).orElse(false);
    }
}
