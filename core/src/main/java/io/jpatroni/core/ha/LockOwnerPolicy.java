package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.ClusterView;
import java.util.ArrayList;
import java.util.List;

/** I hold the lock (ha-loop.md §9.1): renew it first, then be the primary. */
final class LockOwnerPolicy {

    private LockOwnerPolicy() {
    }

    static Decision decide(HaInput in) {
        LocalNode local = in.local();
        String p = in.prefix();
        if (in.settings().pause() && !local.runningAsPrimary()) {
            return Decision.of(p + "removed leader lock because postgres is not running as primary",
                    new HaAction.ReleaseLock());
        }
        Decision held = local.runningAsPrimary()
                ? Decision.of(p + "no action. I am (" + local.name() + "), the leader with the lock",
                        new HaAction.MaintainPrimary())
                : Decision.of(p + "promoted self to leader because I had the session lock", new HaAction.Promote());
        if (local.runningAsPrimary()) {
            held = ManualFailover.leaderSide(in).map(LockOwnerPolicy::afterUpkeep).orElse(held);
        }
        Decision lost;
        if (!local.runningAsPrimary()) {
            lost = Decision.nothing(p + "not promoting because failed to update leader lock in DCS");
        } else if (in.settings().pause()) {
            lost = Decision.nothing(p + "continue to run as primary after failing to update leader lock in DCS");
        } else {
            lost = Decision.of("demoted self because failed to update leader lock in DCS",
                    new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK));
        }
        List<HaAction> actions = new ArrayList<>();
        // Step 4: the lock owner repairs a missing or invalid initialize key.
        String stored = in.cluster().initialize().orElse(null);
        if (!ClusterView.isValidSysid(stored) && local.sysid().isPresent()) {
            actions.add(new HaAction.WriteInitialize(local.sysid().get()));
        }
        actions.add(new HaAction.RenewLock(held, lost));
        return new Decision(actions, held.message());
    }

    /** The request's own actions follow the usual upkeep of a primary (status, history, slots). */
    private static Decision afterUpkeep(Decision request) {
        return new Decision(HaDecider.prepend(new HaAction.MaintainPrimary(), request), request.message());
    }
}
