package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.config.DynamicConfig;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a synchronous standby stops or restarts its PostgreSQL (ha-loop.md §16.7): it publishes
 * {@code nosync} and waits, up to 2 × loop_wait, for the primary to take it out of the
 * {@code sync} key, so commits move to another standby instead of waiting for this one.
 */
final class SyncDutyRelease {

    private static final Logger LOG = LoggerFactory.getLogger(SyncDutyRelease.class);

    private final String name;
    private final Dcs dcs;
    private final NodeState state;
    private final Supplier<DynamicConfig> dynamic;
    private final LongSupplier nanos;
    private final Sleeper sleeper;
    private final Runnable publishMember;
    private final boolean taggedNosync;

    SyncDutyRelease(String name, boolean taggedNosync, Dcs dcs, NodeState state, Supplier<DynamicConfig> dynamic,
                    LongSupplier nanos, Sleeper sleeper, Runnable publishMember) {
        this.name = name;
        this.taggedNosync = taggedNosync;
        this.dcs = dcs;
        this.state = state;
        this.dynamic = dynamic;
        this.nanos = nanos;
        this.sleeper = sleeper;
        this.publishMember = publishMember;
    }

    /** Returns once the primary no longer counts on me, or after 2 × loop_wait, or on DCS trouble. */
    void beforeStop() throws InterruptedException {
        DynamicConfig d = dynamic.get();
        if (!d.managesSynchronousReplication() || state.leaderFlag || taggedNosync) {
            return;
        }
        state.releasingSyncDuty = true;
        try {
            publishMember.run();
            long deadline = nanos.getAsLong() + Duration.ofSeconds(2L * d.loopWait()).toNanos();
            while (ClusterView.decode(dcs.getCluster()).sync().matches(name, false)) {
                if (nanos.getAsLong() - deadline >= 0) {
                    LOG.warn("the primary still lists me as synchronous standby; stopping anyway");
                    return;
                }
                LOG.info("waiting for the primary to release me from synchronous duty");
                sleeper.sleep(Duration.ofSeconds(2));
            }
        } catch (DcsException | RuntimeException e) {
            LOG.warn("could not wait for the release from synchronous duty: {}", e.getMessage());
        }
    }

    /** PostgreSQL is back: I may be a synchronous standby again. */
    void afterStart() {
        state.releasingSyncDuty = false;
    }
}
