package io.jpatroni.core.sim;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.HaAction;
import io.jpatroni.core.ha.HaDecider;
import io.jpatroni.core.ha.HaInput;
import io.jpatroni.core.ha.HaSettings;
import io.jpatroni.core.ha.LocalNode;
import java.util.List;

/** The decision function each simulated node calls: the real {@link HaDecider}, or it with a planted bug. */
interface Deciders {

    Decision decide(HaInput in);

    Decision onDcsFailure(LocalNode local, HaSettings settings);

    static Deciders of(SimConfig config) {
        SimConfig.Bug bug = config.bug();
        Deciders plain = of(bug);
        // Findings 5 and 6 are fixed in core.ha; these filters only restate the fixed decisions.
        if (!config.switchoverLagCheck() && !config.demoteLocklessPrimaryDuringAsync()) {
            return plain;
        }
        return new Deciders() {
            @Override
            public Decision decide(HaInput in) {
                Decision d = plain.decide(in);
                if (config.demoteLocklessPrimaryDuringAsync()) {
                    d = demoteLocklessPrimary(in, d);
                }
                return config.switchoverLagCheck() ? withLagCheckForOthers(in, d) : d;
            }

            @Override
            public Decision onDcsFailure(LocalNode local, HaSettings settings) {
                return plain.onDcsFailure(local, settings);
            }
        };
    }

    /**
     * FINDING 5's proposed fix (core.ha ManualFailover.candidateSide): while a switchover or manual
     * failover request is pending, only the candidate the operator named skips the lag check; any
     * other node that would take the lock to promote must be within maximum_lag_on_failover of
     * status.optime (which a gracefully stopped leader set to its shutdown checkpoint), as in an
     * automatic failover. Written here as a filter on the decision: such a race becomes "not the
     * healthiest node".
     */
    private static Decision withLagCheckForOthers(HaInput in, Decision decision) {
        var request = in.cluster().failover();
        if (request.isEmpty() || request.get().candidate().map(in.local().name()::equals).orElse(false)
                || in.local().runningAsPrimary() || decision.actions().isEmpty()
                || !(decision.actions().get(decision.actions().size() - 1) instanceof HaAction.TryAcquireLock)) {
            return decision;
        }
        long lag = in.cluster().statusOptime() - in.local().walPosition();
        if (in.cluster().statusOptime() == 0 || lag <= in.settings().maximumLagOnFailover()) {
            return decision;
        }
        return Decision.of("following a different leader because i am not the healthiest node",
                new HaAction.Follow(java.util.Optional.empty()));
    }

    /**
     * FINDING 6's proposed fix (core.ha AsyncActionPolicy): during a long action, a PostgreSQL that
     * runs as primary while this node does not hold the lock is stopped also when nobody holds the
     * lock (the daemon stops it only when someone else does). Otherwise a promote that finished
     * after the lock was lost (a freeze) keeps accepting writes until the action ends, and another
     * node may take the free lock meanwhile (invariant 5).
     */
    private static Decision demoteLocklessPrimary(HaInput in, Decision decision) {
        var local = in.local();
        if (local.asyncAction().isEmpty() || in.hasLock() || !local.runningAsPrimary() || local.isStarting()
                || in.settings().pause() || in.cluster().leaderName().isPresent()) {
            return decision;
        }
        return Decision.of("lost leader lock during " + local.asyncAction().get(),
                new HaAction.Demote(io.jpatroni.core.ha.DemoteMode.IMMEDIATE_NOLOCK));
    }

    static Deciders of(SimConfig.Bug bug) {
        return new Deciders() {
            @Override
            public Decision decide(HaInput in) {
                return switch (bug) {
                    case SKIP_PEER_CHECK -> HaDecider.decide(new HaInput(in.cluster(), in.local(), in.settings(),
                            List.of(), in.formerLeader(), in.now()));
                    case SKIP_LAG_CHECK -> HaDecider.decide(new HaInput(withoutOptime(in.cluster()), in.local(),
                            in.settings(), in.peers(), in.formerLeader(), in.now()));
                    default -> HaDecider.decide(in);
                };
            }

            @Override
            public Decision onDcsFailure(LocalNode local, HaSettings settings) {
                if (bug == SimConfig.Bug.NO_DEMOTE_ON_DCS_FAILURE) {
                    return Decision.nothing("DCS is not accessible");
                }
                return HaDecider.onDcsFailure(local, settings);
            }
        };
    }

    private static ClusterView withoutOptime(ClusterView c) {
        return new ClusterView(c.raw(), c.initialize(), c.leader(), c.members(), c.config(), c.configModifyVersion(),
                0, c.statusSlots(), c.sync(), c.failover(), c.history());
    }
}
