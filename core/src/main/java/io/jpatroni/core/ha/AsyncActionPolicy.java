package io.jpatroni.core.ha;

/**
 * A long action runs in the background (ha-loop.md §7): keep the lock alive, never race. If this
 * node does not hold the lock while PostgreSQL already runs as a primary (a promote or a start as
 * primary that finished after this node lost its lock, e.g. across a long pause), stop it at once
 * instead of waiting for the action to end: it would accept writes without the lock meanwhile.
 */
final class AsyncActionPolicy {

    private AsyncActionPolicy() {
    }

    static Decision decide(HaInput in) {
        String action = in.local().asyncAction().orElseThrow();
        Decision inProgress = Decision.nothing(in.prefix() + action + " in progress");
        if (in.hasLock()) {
            return Decision.of(inProgress.message(), new HaAction.RenewLock(
                    Decision.nothing(in.prefix() + "updated leader lock during " + action), inProgress));
        }
        // Not while starting: a starting server's role is only the daemon's last word, not PostgreSQL's.
        // Not while bootstrapping: the first primary runs before anybody may hold the lock. Otherwise a
        // primary without the lock is stopped whether someone else holds it or nobody does (a frozen
        // node's promote that finished after its lease expired: simulator seeds 4453 and 6886).
        boolean bootstrapping = !io.jpatroni.core.cluster.ClusterView.isValidSysid(
                in.cluster().initialize().orElse(null));
        if (in.local().runningAsPrimary() && !in.local().isStarting() && !in.settings().pause() && !bootstrapping) {
            return Decision.of("lost leader lock during " + action, new HaAction.Demote(DemoteMode.IMMEDIATE_NOLOCK));
        }
        return inProgress;
    }
}
