package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;

/**
 * The HA loop's decision list (ha-loop.md §2), as a pure function: same input, same decision.
 * Each situation has its own policy class; this class only keeps Patroni's order of checks.
 */
public final class HaDecider {

    private HaDecider() {
    }

    public static Decision decide(HaInput in) {
        LocalNode local = in.local();
        if (local.asyncAction().isPresent()) {
            return AsyncActionPolicy.decide(in);
        }
        if (local.bootstrap() == BootstrapPhase.SUCCEEDED) {
            // Slots right away: replicas cloning now must not wait for the next iteration to stream.
            return Decision.of("initialized a new cluster", new HaAction.CompleteBootstrap(),
                    new HaAction.MaintainPrimary());
        }
        if (local.bootstrap() == BootstrapPhase.FAILED) {
            return Decision.of("removed initialize key after a failed bootstrap", new HaAction.CancelBootstrap());
        }
        if (local.dataDirEmpty()) {
            return EmptyDataDirPolicy.decide(in);
        }
        Decision identity = identityCheck(in);
        if (identity != null) {
            return identity;
        }
        if (!local.pgRunning()) {
            return RecoveryPolicy.decide(in);
        }
        if (in.cluster().isUnlocked()) {
            return LeaderRacePolicy.decide(in);
        }
        return in.hasLock() ? LockOwnerPolicy.decide(in) : FollowerPolicy.decide(in);
    }

    /** What to do when reading or writing the DCS failed this iteration (ha-loop.md §12). */
    public static Decision onDcsFailure(LocalNode local, HaSettings settings) {
        if (!settings.pause() && local.pgRunning() && local.runningAsPrimary()) {
            return Decision.of("demoted self because DCS is not accessible and I was a leader",
                    new HaAction.Demote(DemoteMode.OFFLINE));
        }
        return Decision.nothing("DCS is not accessible");
    }

    /**
     * Step 11: the data directory must belong to this cluster. Returns null to continue, or the
     * decision that ends the iteration; adopting a data directory continues after writing initialize.
     */
    private static Decision identityCheck(HaInput in) {
        LocalNode local = in.local();
        if (local.sysid().isEmpty() || !ClusterView.isValidSysid(local.sysid().get())) {
            return Decision.nothing("data dir for the cluster is not empty, but system ID is invalid; "
                    + "consider doing reinitialize");
        }
        String mine = local.sysid().get();
        String stored = in.cluster().initialize().orElse(null);
        if (ClusterView.isValidSysid(stored) && !stored.equals(mine)) {
            if (in.settings().pause()) {
                return in.hasLock() ? Decision.of("released leader key voluntarily due to the system ID mismatch",
                        new HaAction.ReleaseLock()) : null;
            }
            return Decision.of("system ID mismatch",
                    new HaAction.ExitDaemon("system ID mismatch, node " + local.name() + " belongs to a different "
                            + "cluster: " + mine + " != " + stored));
        }
        if (!ClusterView.isValidSysid(stored) && in.cluster().isUnlocked() && !in.settings().pause()
                && local.firstContact()) {
            if (local.pgRunning() && !local.runningAsPrimary()) {
                return Decision.of("joining an uninitialized cluster as a replica is not possible",
                        new HaAction.ExitDaemon("the cluster is not initialized but PostgreSQL of " + local.name()
                                + " runs as a replica; start the primary's daemon first"));
            }
            Decision rest = decideAfterAdoption(in);
            return new Decision(prepend(new HaAction.WriteInitialize(mine), rest), rest.message());
        }
        return null;
    }

    private static Decision decideAfterAdoption(HaInput in) {
        if (!in.local().pgRunning()) {
            return RecoveryPolicy.decide(in);
        }
        return LeaderRacePolicy.decide(in);
    }

    static java.util.List<HaAction> prepend(HaAction first, Decision rest) {
        java.util.List<HaAction> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest.actions());
        return all;
    }
}
