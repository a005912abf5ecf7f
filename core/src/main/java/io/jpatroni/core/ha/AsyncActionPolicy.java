package io.jpatroni.core.ha;

/** A long action runs in the background (ha-loop.md §7): keep the lock alive, never race. */
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
        return inProgress;
    }
}
