package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.ha.PeerStatus;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.StopMode;
import io.jpatroni.core.rest.NodeOperations;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the REST API's write endpoints ask of this node: restarts (now or scheduled), reinitialise,
 * reload, and cluster-wide writes through the DCS. Long work runs on the loop's async runner, so
 * the HA loop keeps renewing the lock and never races meanwhile.
 */
final class LoopOperations implements NodeOperations {

    private static final Logger LOG = LoggerFactory.getLogger(LoopOperations.class);

    private final PatroniConfig config;
    private final Dcs dcs;
    private final PostgresNode pg;
    private final NodeState state;
    private final AsyncRunner async;
    private final ReplicaRecovery recovery;
    private final Supplier<DynamicConfig> dynamic;
    private final Supplier<Optional<ClusterView>> lastCluster;
    private final PeerClient peers;
    private final Callbacks callbacks;
    private final SyncDutyRelease syncRelease;
    private volatile boolean reloadRequested;

    LoopOperations(PatroniConfig config, Dcs dcs, PostgresNode pg, NodeState state, AsyncRunner async,
                   ReplicaRecovery recovery, Supplier<DynamicConfig> dynamic,
                   Supplier<Optional<ClusterView>> lastCluster, PeerClient peers, Callbacks callbacks,
                   SyncDutyRelease syncRelease) {
        this.syncRelease = syncRelease;
        this.config = config;
        this.dcs = dcs;
        this.pg = pg;
        this.state = state;
        this.async = async;
        this.recovery = recovery;
        this.dynamic = dynamic;
        this.lastCluster = lastCluster;
        this.peers = peers;
        this.callbacks = callbacks;
    }

    @Override
    public ClusterView readCluster() throws DcsException {
        return ClusterView.decode(dcs.getCluster());
    }

    @Override
    public boolean writeConfig(String json, OptionalLong version) {
        return dcs.setConfigValue(json, version);
    }

    @Override
    public boolean writeFailover(String json, OptionalLong version) {
        return dcs.setFailoverValue(json, version);
    }

    @Override
    public void wakeLoop() {
        dcs.wakeup();
    }

    @Override
    public int loopWait() {
        return dynamic.get().loopWait();
    }

    @Override
    public List<PeerStatus> peerStatuses(List<MemberInfo> members) {
        return peers.fetch(members);
    }

    @Override
    public void requestReload() {
        reloadRequested = true;
        dcs.wakeup();
    }

    /** Taken by the loop at the start of an iteration. */
    boolean takeReloadRequest() {
        boolean requested = reloadRequested;
        reloadRequested = false;
        return requested;
    }

    @Override
    public boolean paused() {
        return dynamic.get().pause();
    }

    @Override
    public Outcome restart(RestartRequest request) {
        Optional<String> busy = async.running();
        if (busy.isPresent()) {
            return new Outcome(false, busy.get() + " already in progress");
        }
        if (!conditionsHold(request)) {
            return new Outcome(false, "restart conditions are not satisfied");
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        AsyncRunner.Task task = () -> {
            try {
                done.complete(restartNow(request));
            } catch (Exception e) {
                done.complete(false);
                throw e;
            }
        };
        if (!async.start("restart", task)) {
            return new Outcome(false, async.running().orElse("restart") + " already in progress");
        }
        Duration limit = request.timeout().orElse(Duration.ofSeconds(config.postgresql().pgCtlTimeout()))
                .plusSeconds(60);
        try {
            return done.get(limit.toSeconds(), TimeUnit.SECONDS)
                    ? new Outcome(true, "restarted successfully") : new Outcome(false, "restart failed");
        } catch (TimeoutException | ExecutionException e) {
            return new Outcome(false, "restart failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "restart failed");
        }
    }

    /** Runs on the async runner: stop (fast) and start again in the same role. */
    boolean restartNow(RestartRequest request) throws PostgresException {
        boolean primary = "primary".equals(state.role);
        if (!primary) {
            try {
                syncRelease.beforeStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        state.pgState = "restarting";
        pg.stop(StopMode.FAST, Optional.empty(), () -> { });
        Duration timeout = request.timeout()
                .orElse(Duration.ofSeconds(primary ? dynamic.get().primaryStartTimeout() : config.postgresql().pgCtlTimeout()));
        boolean up = primary ? pg.start(Optional.empty(), false, timeout) : pg.start(state.upstream, true, timeout);
        state.pgState = up ? "running" : "restart failed";
        state.pendingRestart = false;
        syncRelease.afterStart();
        if (up) {
            callbacks.fire("on_restart", state.role);
        }
        LOG.info(up ? "restarted PostgreSQL" : "PostgreSQL failed to come back after a restart");
        return up;
    }

    private boolean conditionsHold(RestartRequest request) {
        if (request.role().isPresent() && !request.role().get().equals(roleWord())) {
            return false;
        }
        if (request.onlyIfPendingRestart() && !state.pendingRestart) {
            return false;
        }
        if (request.postgresVersion().isPresent()) {
            int running = serverVersion();
            return running > 0 && running < versionNumber(request.postgresVersion().get());
        }
        return true;
    }

    private String roleWord() {
        return "primary".equals(state.role) ? "primary" : "replica";
    }

    private int serverVersion() {
        try {
            return pg.statusQuery().serverVersion();
        } catch (PostgresException e) {
            return 0;
        }
    }

    /** "15.4" → 150004, "9.6.2" → 90602, as server_version_num counts. */
    static int versionNumber(String version) {
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        if (major >= 10) {
            return major * 10000 + (parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        }
        return major * 10000 + Integer.parseInt(parts[1]) * 100 + (parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
    }

    @Override
    public boolean scheduleRestart(OffsetDateTime at, RestartRequest request) {
        if (state.scheduledRestart.isPresent()) {
            return false;
        }
        String started = "";
        try {
            started = pg.statusQuery().postmasterStartTime();
        } catch (PostgresException e) {
            // not running: the restart will only start it
        }
        state.scheduledRestart = Optional.of(new ScheduledRestart(at, request, started));
        LOG.info("restart scheduled at {}", at);
        return true;
    }

    @Override
    public boolean cancelScheduledRestart() {
        boolean had = state.scheduledRestart.isPresent();
        state.scheduledRestart = Optional.empty();
        return had;
    }

    @Override
    public Optional<Map<String, Object>> scheduledRestart() {
        return state.scheduledRestart.map(ScheduledRestart::document);
    }

    /**
     * A scheduled restart that is due runs now (unless paused or another action runs); one more
     * than 1.5 loop_wait late, or whose postmaster was restarted meanwhile, is dropped (§14.2, §24).
     */
    void runScheduledRestartIfDue(OffsetDateTime now) {
        Optional<ScheduledRestart> scheduled = state.scheduledRestart;
        if (scheduled.isEmpty() || dynamic.get().pause() || async.running().isPresent()) {
            return;
        }
        ScheduledRestart restart = scheduled.get();
        if (restart.at().isAfter(now)) {
            return;
        }
        state.scheduledRestart = Optional.empty();
        if (Duration.between(restart.at(), now).toMillis() > dynamic.get().loopWait() * 1500L) {
            LOG.warn("dropping the restart scheduled at {}: it is stale", restart.at());
            return;
        }
        String started = "";
        try {
            started = pg.statusQuery().postmasterStartTime();
        } catch (PostgresException e) {
            // not running
        }
        if (!restart.postmasterStartTime().isEmpty() && !restart.postmasterStartTime().equals(started)) {
            LOG.info("cancelling the scheduled restart: PostgreSQL was restarted meanwhile");
            return;
        }
        if (conditionsHold(restart.request())) {
            LOG.info("executing the scheduled restart");
            async.start("restart", () -> restartNow(restart.request()));
        } else {
            LOG.info("not executing the scheduled restart: restart conditions are not satisfied");
        }
    }

    @Override
    public Outcome reinitialize(boolean force, boolean fromLeader) {
        Optional<ClusterView> cluster = lastCluster.get();
        if (cluster.isEmpty() || cluster.get().isUnlocked()) {
            return new Outcome(false, "Cluster has no leader, can not reinitialize");
        }
        String leader = cluster.get().leaderName().orElseThrow();
        if (leader.equals(config.name())) {
            return new Outcome(false, "I am the leader, can not reinitialize");
        }
        if (async.running().isPresent()) {
            if (!force) {
                return new Outcome(false, async.running().get() + " already in progress");
            }
            async.cancel();
        }
        ClusterView snapshot = cluster.get();
        boolean started = async.start("reinitialize", () -> {
            LOG.info("reinitializing from {}", leader);
            if (pg.isRunning()) {
                pg.stop(StopMode.IMMEDIATE, Optional.of(Duration.ofSeconds(dynamic.get().retryTimeout())), () -> { });
            }
            pg.removeDataDirectory();
            recovery.cloneFrom(snapshot, leader);
        });
        return started ? new Outcome(true, "reinitialize started")
                : new Outcome(false, async.running().orElse("reinitialize") + " already in progress");
    }
}
