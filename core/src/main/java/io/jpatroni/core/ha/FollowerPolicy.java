package io.jpatroni.core.ha;

/** Someone else holds the lock (ha-loop.md §9.2): follow them, stepping down first if I am a primary. */
final class FollowerPolicy {

    private FollowerPolicy() {
    }

    static Decision decide(HaInput in) {
        LocalNode local = in.local();
        String leader = in.cluster().leaderName().orElseThrow();
        if (local.runningAsPrimary()) {
            if (in.settings().pause()) {
                return Decision.nothing("PAUSE: continue to run as primary without lock");
            }
            return Decision.of("demoting self because I do not have the lock and I was a leader",
                    new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK));
        }
        return Decision.of(in.prefix() + "no action. I am (" + local.name() + "), a secondary, and following a leader ("
                + leader + ")", new HaAction.Follow(java.util.Optional.of(leader)));
    }
}
