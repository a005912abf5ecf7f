package io.jpatroni.core.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Nobody holds the lock: the healthiest eligible node takes it (ha-loop.md §8.1). */
final class LeaderRacePolicy {

    private LeaderRacePolicy() {
    }

    static Decision decide(HaInput in) {
        LocalNode local = in.local();
        String p = in.prefix();
        Optional<String> whyNot = Healthiest.whyNot(in);
        if (whyNot.isEmpty()) {
            List<HaAction> won = new ArrayList<>();
            if (in.cluster().failover().isPresent()) {
                won.add(new HaAction.ClearFailover(java.util.OptionalLong.empty()));
            }
            String wonMessage;
            if (local.runningAsPrimary()) {
                won.add(new HaAction.MaintainPrimary());
                wonMessage = "acquired session lock as a leader";
            } else {
                won.add(new HaAction.Promote());
                wonMessage = "promoted self to leader by acquiring session lock";
            }
            // Lost: follow() (§8.1), which leaves a running primary alone while paused (§10.2 step 2, §15);
            // the simulator's seed 2363 saw a restarted paused primary stopped after losing a re-read race.
            Decision lost;
            if (!local.runningAsPrimary()) {
                lost = Decision.of(p + "following new leader after trying and failing to obtain lock",
                        new HaAction.Follow(Optional.empty()));
            } else if (in.settings().pause()) {
                lost = Decision.nothing(p + "continue to run as primary without lock");
            } else {
                lost = Decision.of(p + "demoted self after trying and failing to obtain lock",
                        new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK));
            }
            return Decision.of(p + wonMessage,
                    new HaAction.TryAcquireLock(new Decision(won, p + wonMessage), lost));
        }
        if (in.settings().pause()) {
            return local.runningAsPrimary()
                    ? Decision.nothing(p + "continue to run as primary without lock")
                    : Decision.nothing(p + "no action. I am (" + local.name() + ")");
        }
        boolean notAllowed = local.nofailover();
        if (local.runningAsPrimary()) {
            return Decision.of(notAllowed ? "demoting self because I am not allowed to become primary"
                            : "demoting self because i am not the healthiest node: " + whyNot.get(),
                    new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK));
        }
        return Decision.of(notAllowed ? "following a different leader because I am not allowed to promote"
                        : "following a different leader because i am not the healthiest node: " + whyNot.get(),
                new HaAction.Follow(Optional.empty()));
    }
}
