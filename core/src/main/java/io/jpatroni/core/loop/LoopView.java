package io.jpatroni.core.loop;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.rest.NodeStatus;
import io.jpatroni.core.rest.RestContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the REST API sees of this node: what the loop last published, and fresh WAL positions from
 * PostgreSQL's status connection. The loop writes the three fields, REST threads read them;
 * nothing here waits for an iteration.
 */
final class LoopView implements RestContext {

    private final PostgresNode pg;
    private final MemberDocument documents;
    private final NodeState state;
    private final LongSupplier nanos;
    private final DynamicConfigTracker dynamic;
    private final String scope;

    /** The snapshot of the last iteration that read the DCS; null while the DCS is unreachable. */
    volatile ClusterView lastCluster;
    volatile NodeStatus published;
    /** When the next iteration is due: /liveness fails when the loop falls far behind it. */
    volatile long nextRunNanos;

    LoopView(PostgresNode pg, MemberDocument documents, NodeState state, LongSupplier nanos,
             DynamicConfigTracker dynamic, String scope, NodeStatus initial) {
        this.pg = pg;
        this.documents = documents;
        this.state = state;
        this.nanos = nanos;
        this.dynamic = dynamic;
        this.scope = scope;
        this.published = initial;
    }


    /** Fresh WAL positions for every reader (peers in a leader race compare them), none while PostgreSQL is down. */
    @Override
    public NodeStatus status() {
        NodeStatus last = published;
        if (!pg.isRunning()) {
            // No WAL position: peers racing for the lock must not see a stopped primary as alive
            // (a SIGTERM hand-over waited a whole loop_wait on "Primary (node3) is still alive").
            return documents.status(state, Optional.empty(), last.pause(), last.clusterUnlocked(), last.syncStandby());
        }
        try {
            return documents.status(state, Optional.of(pg.statusQuery()), last.pause(), last.clusterUnlocked(),
                    last.syncStandby());
        } catch (PostgresException e) {
            return last;
        }
    }

    @Override
    public boolean holdsLeaderLock() {
        return state.leaderFlagValid(nanos.getAsLong());
    }

    @Override
    public boolean clusterKnown() {
        return state.clusterKnown;
    }

    @Override
    public boolean standbyCluster() {
        return false;
    }

    @Override
    public long leaderOptime() {
        ClusterView cluster = lastCluster;
        return cluster == null ? 0 : cluster.statusOptime();
    }

    @Override
    public long maximumLagOnFailover() {
        return dynamic.current().maximumLagOnFailover();
    }

    @Override
    public boolean loopAlive() {
        if (dynamic.current().pause()) {
            return true;
        }
        long ttl = Duration.ofSeconds(dynamic.current().ttl()).toNanos();
        long allowed = "primary".equals(state.role) ? ttl : 2 * ttl;
        return nanos.getAsLong() - nextRunNanos < allowed;
    }

    @Override
    public Optional<ClusterView> cluster() {
        return Optional.ofNullable(lastCluster);
    }

    @Override
    public String scope() {
        return scope;
    }
}
