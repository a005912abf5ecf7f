package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.ha.sync.StandbyConnection;
import io.jpatroni.core.ha.sync.StandbyNames;
import io.jpatroni.core.ha.sync.SyncInput;
import io.jpatroni.core.ha.sync.SyncPlanner;
import io.jpatroni.core.ha.sync.SyncStep;
import io.jpatroni.core.postgres.LocalState;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.ReplicationRow;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out synchronous replication (ha-loop.md §16.2, §16.4, §16.5): the primary's
 * synchronous_standby_names and the {@code sync} key, kept so that the key never names a standby
 * that could miss an acknowledged commit. The decisions are {@link SyncPlanner}'s.
 */
final class SynchronousReplication {

    private static final Logger LOG = LoggerFactory.getLogger(SynchronousReplication.class);

    private final String name;
    private final Dcs dcs;
    private final PostgresNode pg;
    private final Sleeper sleeper;
    /** synchronous_standby_names as last seen, and the WAL position when it changed to that. */
    private String observedNames;
    private long flushMark;

    SynchronousReplication(String name, Dcs dcs, PostgresNode pg, Sleeper sleeper) {
        this.name = name;
        this.dcs = dcs;
        this.pg = pg;
        this.sleeper = sleeper;
    }

    /**
     * Every snapshot: a daemon restarted beside its running primary keeps the standbys the
     * {@code sync} key promises in the configuration it writes, until the first iteration as leader.
     */
    void observe(ClusterView cluster, DynamicConfig dynamic) {
        if (pg.standbyNamesManaged() || !dynamic.managesSynchronousReplication()
                || !cluster.sync().leader().map(name::equalsIgnoreCase).orElse(false)) {
            return;
        }
        pg.manageStandbyNames(StandbyNames.forStandbys(cluster.sync().standbys(), dynamic.synchronousModeStrict())
                .render());
    }

    /** One leader iteration, PostgreSQL running as primary and the lock just renewed. */
    void manage(ClusterView cluster, DynamicConfig dynamic, LocalState local) throws PostgresException {
        if (!dynamic.managesSynchronousReplication()) {
            disable(cluster);
            return;
        }
        PostgresNode.SyncSettings settings = pg.syncSettings();
        noteStandbyNames(settings.standbyNames());
        SyncInput in = new SyncInput(name, cluster.members(), connections(local.replication(), settings.synchronousCommit()),
                settings.flushLsn(), dynamic.effectiveSyncNodeCount(), dynamic.synchronousModeStrict(),
                dynamic.maximumLagOnSyncnode(), cluster.sync(), StandbyNames.parse(settings.standbyNames()), flushMark);
        OptionalLong version = cluster.sync().version();
        for (SyncStep step : SyncPlanner.plan(in)) {
            if (step instanceof SyncStep.WriteSyncKey write) {
                version = dcs.setSyncStateValue(syncJson(write.standbys()), version);
                if (version.isEmpty()) {
                    LOG.info("Synchronous replication key updated by someone else");
                    return;
                }
                LOG.info("Synchronous standby status assigned to {}", write.standbys());
            } else if (step instanceof SyncStep.SetStandbyNames set) {
                if (set.value().isAny() && dynamic.synchronousModeStrict()) {
                    LOG.warn("No standbys available!");
                }
                LOG.info("Assigning synchronous standby status to {}", set.value().names());
                applyStandbyNames(set.value().render());
            }
        }
    }

    /**
     * Before pg_ctl promote (§16.4): claim the {@code sync} key with no standby, so no other node
     * may take over on the strength of an older key, and start with no synchronous standby (strict:
     * any standby). False = somebody else changed the key: postpone the promotion.
     */
    boolean beforePromote(ClusterView cluster, DynamicConfig dynamic) throws PostgresException {
        if (!dynamic.managesSynchronousReplication()) {
            if (cluster.raw().sync().isPresent()) {
                dcs.deleteSyncState(cluster.sync().version());
            }
            if (pg.standbyNamesManaged()) {
                pg.releaseStandbyNames();
                pg.reload();
            }
            return true;
        }
        if (dcs.setSyncStateValue(syncJson(List.of()), cluster.sync().version()).isEmpty()) {
            return false;
        }
        pg.manageStandbyNames(StandbyNames.forStandbys(List.of(), dynamic.synchronousModeStrict()).render());
        pg.reload();
        return true;
    }

    /**
     * Before PostgreSQL starts as a primary that synchronous mode does not manage yet (a bootstrap,
     * a crashed primary started in place): strict mode must not acknowledge a single commit before
     * a standby has it, so it starts with {@code *} (ha-loop.md §16.5; simulator finding 7).
     */
    void beforePrimaryStart(DynamicConfig dynamic) {
        if (dynamic.managesSynchronousReplication() && !pg.standbyNamesManaged()) {
            pg.manageStandbyNames(StandbyNames.forStandbys(List.of(), dynamic.synchronousModeStrict()).render());
        }
    }

    /** A demoted primary waits for no standby when it is started again. */
    void onDemote(DynamicConfig dynamic) {
        if (dynamic.managesSynchronousReplication() || pg.standbyNamesManaged()) {
            pg.manageStandbyNames(Optional.empty());
        }
    }

    /** Synchronous mode was switched off: drop the key and give synchronous_standby_names back to the user. */
    private void disable(ClusterView cluster) throws PostgresException {
        if (cluster.raw().sync().isPresent() && cluster.sync().isActive()) {
            if (dcs.deleteSyncState(cluster.sync().version())) {
                LOG.info("synchronous mode is off: removed the sync key");
            }
        }
        if (pg.standbyNamesManaged()) {
            pg.releaseStandbyNames();
            pg.reload();
        }
    }

    private void applyStandbyNames(Optional<String> value) throws PostgresException {
        pg.manageStandbyNames(value);
        pg.reload();
        // Let the reload reach the backends before marking the position the new standbys must reach.
        try {
            sleeper.sleep(Duration.ofMillis(100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        noteStandbyNames(pg.syncSettings().standbyNames());
    }

    private void noteStandbyNames(String current) throws PostgresException {
        if (!current.equals(observedNames)) {
            flushMark = pg.markWalPosition();
            observedNames = current;
        }
    }

    private String syncJson(Collection<String> standbys) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("leader", name);
        doc.put("quorum", 0);
        doc.put("sync_standby", standbys.isEmpty() ? null : String.join(",", standbys.stream().sorted().toList()));
        return Json.write(doc);
    }

    /** The LSN that acknowledges a commit depends on synchronous_commit. */
    static List<StandbyConnection> connections(List<ReplicationRow> rows, String synchronousCommit) {
        return rows.stream().map(r -> new StandbyConnection(r.applicationName(), r.state(), r.syncState(),
                switch (synchronousCommit) {
                    case "remote_apply" -> r.replayLsn();
                    case "remote_write" -> r.writeLsn();
                    default -> r.flushLsn();
                })).toList();
    }
}
