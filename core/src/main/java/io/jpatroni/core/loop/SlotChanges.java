package io.jpatroni.core.loop;

import io.jpatroni.core.postgres.Lsn;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.ReplicationSlots;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out {@link SlotPlan.Change}s; one failing slot does not stop the others. */
final class SlotChanges {

    private static final Logger LOG = LoggerFactory.getLogger(SlotChanges.class);

    private SlotChanges() {
    }

    static void apply(List<SlotPlan.Change> changes, ReplicationSlots slots) {
        for (SlotPlan.Change change : changes) {
            try {
                apply(change, slots);
            } catch (PostgresException e) {
                LOG.error("Failed to {}: {}", describe(change), e.getMessage());
            }
        }
    }

    private static void apply(SlotPlan.Change change, ReplicationSlots slots) throws PostgresException {
        if (change instanceof SlotPlan.Change.Create c && c.slot().logical()) {
            String db = c.slot().database().orElseThrow();
            String plugin = c.slot().plugin().orElseThrow();
            slots.createLogical(c.slot().name(), db, plugin);
            LOG.info("Created logical replication slot {} (database {}, plugin {})", c.slot().name(), db, plugin);
        } else if (change instanceof SlotPlan.Change.Create c) {
            slots.createPhysical(c.slot().name());
            LOG.info("Created physical replication slot {}", c.slot().name());
        } else if (change instanceof SlotPlan.Change.Drop d) {
            slots.drop(d.slot());
            LOG.info("Dropped {} replication slot {}: {}", d.slot().type(), d.slot().name(), d.reason());
        } else if (change instanceof SlotPlan.Change.Advance a) {
            slots.advance(a.name(), a.lsn());
            LOG.debug("advanced replication slot {} to {}", a.name(), Lsn.format(a.lsn()));
        }
    }

    private static String describe(SlotPlan.Change change) {
        if (change instanceof SlotPlan.Change.Create c) {
            return "create replication slot " + c.slot().name();
        }
        if (change instanceof SlotPlan.Change.Drop d) {
            return "drop replication slot " + d.slot().name();
        }
        return "advance replication slot " + ((SlotPlan.Change.Advance) change).name();
    }
}
