package io.jpatroni.core.ha;

import java.util.Optional;

/** PostgreSQL is not running (ha-loop.md §2 step 12, §5). */
final class RecoveryPolicy {

    private RecoveryPolicy() {
    }

    static Decision decide(HaInput in) {
        LocalNode local = in.local();
        if (in.settings().pause()) {
            return in.hasLock()
                    ? Decision.of("PAUSE: removed leader lock because postgres is not running", new HaAction.ReleaseLock())
                    : Decision.nothing("PAUSE: postgres is not running");
        }
        Decision asSecondary = asSecondary(in);
        if (!in.hasLock()) {
            return asSecondary;
        }
        boolean crashedPrimary = "primary".equals(local.lastRole()) && "crashed".equals(local.pgState());
        Decision asOwner = crashedPrimary
                ? Decision.of("starting primary after failure", new HaAction.StartPrimaryInPlace())
                : Decision.of("starting as readonly because i had the session lock", new HaAction.StartReadOnly());
        return Decision.of(asOwner.message(), new HaAction.RenewLock(asOwner, asSecondary));
    }

    /** Come back as a replica of whoever leads (rewinding or re-cloning when our timeline diverged). */
    private static Decision asSecondary(HaInput in) {
        Optional<String> leader = in.cluster().leaderName().filter(l -> !l.equals(in.local().name()));
        return Decision.of("starting as a secondary", new HaAction.Rejoin(leader));
    }
}
