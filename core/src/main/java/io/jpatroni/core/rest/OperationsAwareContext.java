package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.ClusterView;
import java.util.Map;
import java.util.Optional;

/**
 * The loop's {@link RestContext} completed with what only {@link NodeOperations} knows: the
 * scheduled restart and maintenance mode (so {@code /patroni} shows {@code pause: true} and
 * {@code /liveness} answers 200 as soon as the cluster is paused).
 */
final class OperationsAwareContext implements RestContext {

    private final RestContext loop;
    private final NodeOperations ops;

    OperationsAwareContext(RestContext loop, NodeOperations ops) {
        this.loop = loop;
        this.ops = ops;
    }

    @Override
    public NodeStatus status() {
        NodeStatus status = loop.status();
        return status.pause() ? status : status.withPause(ops.paused());
    }

    @Override
    public Optional<Map<String, Object>> scheduledRestart() {
        return ops.scheduledRestart().or(loop::scheduledRestart);
    }

    @Override
    public boolean holdsLeaderLock() {
        return loop.holdsLeaderLock();
    }

    @Override
    public boolean clusterKnown() {
        return loop.clusterKnown();
    }

    @Override
    public boolean standbyCluster() {
        return loop.standbyCluster();
    }

    @Override
    public long leaderOptime() {
        return loop.leaderOptime();
    }

    @Override
    public long maximumLagOnFailover() {
        return loop.maximumLagOnFailover();
    }

    @Override
    public boolean loopAlive() {
        return loop.loopAlive();
    }

    @Override
    public Optional<ClusterView> cluster() {
        return loop.cluster();
    }

    @Override
    public String scope() {
        return loop.scope();
    }

    @Override
    public boolean failsafeModeIsActive() {
        return loop.failsafeModeIsActive();
    }
}
