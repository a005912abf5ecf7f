package io.jpatroni.core.loop;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's share of the slots (ha-loop.md §17.2, §17.3, PostgreSQL 11+): it keeps the permanent
 * physical slots and the other members' slots (member_slots_ttl &gt; 0), advanced to the positions
 * the leader publishes in {@code status.slots}, so that they are in place when it is promoted.
 * Logical slots are not copied to replicas.
 */
final class ReplicaSlots {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSlots.class);

    private final String name;
    private final PostgresNode pg;

    ReplicaSlots(String name, PostgresNode pg) {
        this.name = name;
        this.pg = pg;
    }

    /** At the end of a replica's iteration; quiet when PostgreSQL is not (yet) a running replica. */
    void maintain(ClusterView cluster, DynamicConfig dynamic) {
        if (cluster.config().isEmpty()) {
            return;
        }
        try {
            var local = pg.query();
            if (!local.inRecovery() || local.serverVersion() < 110000) {
                return;
            }
            boolean keepMembers = dynamic.memberSlotsTtl() > 0;
            SlotPlan.Desired desired = SlotPlan.desired(new SlotPlan.Inputs(name, false, dynamic.useSlots(),
                    cluster.members(), cluster.leaderName(),
                    keepMembers ? PrimaryUpkeep.statusRetainSlots(cluster) : java.util.List.of(), keepMembers,
                    dynamic.slots(), dynamic.isStandbyCluster(), cluster.statusSlots()));
            desired.errors().forEach(LOG::error);
            var slots = pg.replicationSlots();
            SlotChanges.apply(SlotPlan.changes(desired, slots.list(local.serverVersion()), dynamic.ignoreSlots(),
                    dynamic.pause(), false, local.replayLsn()), slots);
        } catch (PostgresException e) {
            LOG.debug("replication slots not synchronised: {}", e.getMessage());
        }
    }
}
