package io.jpatroni.core.sim;

import java.util.Random;

/**
 * One simulated cluster's settings. {@code bug} plants a known safety bug (to show that the
 * invariants catch it); {@link Bug#NONE} runs the daemon's decisions as they are.
 *
 * <p>{@code replicaRewindCheck} (FINDING 1, see {@code SimNode.follow}): a running replica checks
 * whether it diverged from its new leader and rewinds, as Patroni does (ha-loop.md §10 step 9,
 * §13.1). The daemon's {@code ReplicaRecovery.follow} does not do this
 * today; the sweep runs with the check (the fix proposed to the daemon), the regression seeds
 * show what happens without it.
 *
 * <p>{@code leaderWriteBudget} (FINDING 2, see {@code SimNode.writeDeadline}): after refreshing the lock,
 * the lock holder's other DCS writes of the iteration (status, history, member key) end by the
 * iteration's planned end (start + loop_wait) instead of each taking up to retry_timeout. Without
 * it a DCS that stops answering right after a successful refresh delays the next iteration by up
 * to 2 × retry_timeout and the primary still accepts writes when its lease expires (timing.md §5.2
 * assumes the next iteration starts by U + loop_wait). The sweep runs with it.
 *
 * <p>{@code raceOnCurrentStatus} (FINDING 3, see {@code SimNode.tryAcquireLock}): the leader key is
 * created only if {@code status} is still the one the race was decided on. Without it a node
 * paused between reading the snapshot and creating the key promotes on a position judged against
 * an old status.optime (another leader came and went meanwhile) and violates invariant 2.
 *
 * <p>{@code roleBeforeStandbyStart} (FINDING 4, see {@code SimNode.startStandby}): a former primary
 * that is started as a standby is no longer "primary" in the daemon's state while it starts. Without
 * it the role stays "primary" during an async rejoin; a DCS failure in that window "demotes" the
 * starting standby (stop, restart read-only without upstream) behind the async task's back, the task
 * then records the upstream it had launched, and the replica never streams again (invariant 4).
 */
record SimConfig(int nodes, int ttl, int loopWait, int retryTimeout, long maximumLagOnFailover, boolean usePgRewind,
                 boolean oneNofailover, double warmupSeconds, double faultWindowSeconds, double meanFaultGapSeconds,
                 Bug bug, boolean replicaRewindCheck,
                 boolean leaderWriteBudget, boolean raceOnCurrentStatus, boolean roleBeforeStandbyStart) {

    /** Safety checks a planted bug removes. */
    enum Bug {
        NONE,
        /**
         * The executor takes the "still held" branch when the lock update was refused or failed
         * (instead of the "lost" branch or the DCS-failure handling).
         */
        IGNORE_FAILED_RENEWAL,
        /** The decision on a DCS failure keeps a primary running instead of demoting it. */
        NO_DEMOTE_ON_DCS_FAILURE,
        /**
         * The leader race sees no peers (their /patroni answers are ignored). Not caught: the peer
         * check is a second line of defence; the lock's create-if-absent alone keeps invariants 1
         * and 5, and invariant 2 is measured against status.optime, not against the peers.
         */
        SKIP_PEER_CHECK,
        /** The leader race does not know the last leader position (status.optime reads as 0). */
        SKIP_LAG_CHECK
    }

    /** The two timings of the sweep: Patroni's defaults (30/10/10) and a fast one (20/2/5), by seed parity. */
    static SimConfig forSeed(long seed, Bug bug) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        boolean defaults = (seed & 1) == 0;
        int nodes = r.nextInt(4) == 0 ? 4 : 3;
        return new SimConfig(nodes, defaults ? 30 : 20, defaults ? 10 : 2, defaults ? 10 : 5, 1_048_576,
                r.nextInt(5) != 0, r.nextInt(4) == 0, 45, 180, 10, bug, true, true, true, true);
    }

    /** The executor model without the proposed fix of one finding (1-4), everything else as in the sweep. */
    SimConfig withoutFix(int finding) {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, replicaRewindCheck && finding != 1,
                leaderWriteBudget && finding != 2, raceOnCurrentStatus && finding != 3,
                roleBeforeStandbyStart && finding != 4);
    }

    /** The daemon as it is today: none of the proposed fixes. */
    SimConfig asDaemonToday() {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, false, false, false, false);
    }

    /**
     * After every fault has healed the cluster must have converged within this bound: the old lock can
     * take a ttl to expire, then a race and a promotion, the followers notice within a loop_wait and
     * rejoin (stop, crash recovery, pg_rewind or a fresh clone, start: under 40 s of simulated
     * PostgreSQL work), and one more loop_wait until the leader publishes itself as primary; doubled
     * for a second race when the first winner fails before streaming is set up.
     */
    long convergenceBoundMicros() {
        return Scheduler.sec(2 * ttl + 4 * loopWait + 60);
    }
}
