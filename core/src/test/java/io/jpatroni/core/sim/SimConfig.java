package io.jpatroni.core.sim;

import java.util.Random;

/**
 * One simulated cluster's settings. {@code bug} plants a known safety bug (to show that the
 * invariants catch it); {@link Bug#NONE} runs the daemon's decisions as they are.
 *
 * <p>The four flags switch the executor model between the daemon as it is now (all true, the sweep)
 * and the daemon before the fixes of the four findings the simulator made (see
 * {@link #withoutFix(int)}; {@code RegressionSeedsTest} shows each seed still failing without its fix):
 *
 * <p>{@code replicaRewindCheck} (FINDING 1, see {@code SimNode.follow}): a running replica checks
 * whether it diverged from its new leader and rewinds ({@code ReplicaRecovery.follow} with
 * {@code rewindCheckPending}, ha-loop.md §10 step 9, §13.1). Without it a replica that received WAL
 * beyond the new leader's fork point never streams again.
 *
 * <p>{@code backgroundWrites} (FINDING 2, see {@code SimNode.submit}): the status, history and
 * end-of-iteration member writes run on their own writer ({@code BackgroundWrites}) instead of in
 * the loop thread. Without it a DCS that stops answering right after a successful refresh delays
 * the next iteration by up to 2 × retry_timeout and the primary still accepts writes when its lease
 * expires (timing.md §5.2 assumes the next iteration starts by U + loop_wait).
 *
 * <p>{@code reReadBeforeRace} (FINDING 3, see {@code SimNode.tryAcquireLock}): right before creating
 * the leader key the snapshot is read again; a leader or a changed status.optime since the
 * iteration's read takes the "lost" branch ({@code ActionExecutor.snapshotOutdated}). Without it a
 * node paused between reading the snapshot and creating the key promotes on a position judged
 * against an old status.optime (another leader came and went meanwhile) and violates invariant 2.
 *
 * <p>{@code roleBeforeStandbyStart} (FINDING 4, see {@code SimNode.startStandby}): a former primary
 * that is started as a standby is no longer "primary" in the daemon's state while it starts. Without
 * it the role stays "primary" during an async rejoin; a DCS failure in that window "demotes" the
 * starting standby (stop, restart read-only without upstream) behind the async task's back, the task
 * then records the upstream it had launched, and the replica never streams again (invariant 4).
 *
 * <p>{@code switchoverLagCheck} (FINDING 5, a decision, see {@code Deciders#of(SimConfig)}): while a
 * switchover or manual failover request is pending only the named candidate skips the lag check.
 * The daemon ({@code ManualFailover.candidateSide}, as ha-loop.md §8.3 step 4 and Patroni) compares
 * every node without it; a node that cannot see the caught-up candidate (partition, freeze, slow
 * REST) then takes over megabytes behind the shutdown checkpoint the old leader published
 * (invariant 6). This fix is not in the daemon yet: the sweep runs with it as the proposal.
 *
 * <p>{@code demoteLocklessPrimaryDuringAsync} (FINDING 6, a decision, see {@code Deciders}): during
 * a long action a primary without the lock is stopped also when nobody holds the lock. Not in the
 * daemon yet ({@code AsyncActionPolicy} stops it only when someone else leads): proposal.
 *
 * <p>{@code strictStandbyNamesAtStart} (FINDING 7, synchronous_mode strict, see
 * {@code SimNode.writeStandbyNamesToConf}): PostgreSQL started as a primary by the daemon in strict
 * mode without a value the daemon manages gets synchronous_standby_names = '*' (ha-loop.md §16.5:
 * "After bootstrap: '*' if strict"; "At startup of a primary with strict mode and no
 * Patroni-managed value: '*'"). Without it the bootstrap leader acknowledged commits no standby had
 * until the first leader iteration set '*' (invariant 3, strict part). Fixed in the daemon
 * ({@code SynchronousReplication.beforePrimaryStart}); this flag switches its model.
 *
 * <p>{@code switchovers}: the fault schedule also writes switchover and manual failover requests.
 *
 * <p>{@code operatorFaults}: the fault schedule also pauses and resumes the cluster (maintenance
 * mode) and sends SIGTERM to daemons (see {@link #withOperatorFaults()}).
 */
record SimConfig(int nodes, int ttl, int loopWait, int retryTimeout, long maximumLagOnFailover, boolean usePgRewind,
                 boolean oneNofailover, double warmupSeconds, double faultWindowSeconds, double meanFaultGapSeconds,
                 Bug bug, boolean replicaRewindCheck,
                 boolean backgroundWrites, boolean reReadBeforeRace, boolean roleBeforeStandbyStart,
                 boolean switchoverLagCheck, boolean demoteLocklessPrimaryDuringAsync, boolean switchovers,
                 SyncMode syncMode, boolean strictStandbyNamesAtStart, boolean operatorFaults) {

    /** synchronous_mode of the simulated cluster (ha-loop.md §16): off (the original sweeps), on, strict. */
    enum SyncMode {
        OFF, ON, STRICT;

        boolean enabled() {
            return this != OFF;
        }
    }

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
        SKIP_LAG_CHECK,
        /**
         * Synchronous mode: the decisions are not told that synchronous_mode is on, so any standby —
         * also an asynchronous one — may win a leader race (the §16.8 restriction removed).
         */
        ASYNC_STANDBY_TAKES_OVER,
        /**
         * Synchronous mode: the planner is given flush mark 0, so a standby enters the {@code sync}
         * key as soon as PostgreSQL reports it synchronous, before it has the commits acknowledged
         * without it (§16.1 step 6 removed).
         */
        SYNC_KEY_BEFORE_CATCH_UP,
        /**
         * Maintenance mode: the decisions are told the cluster is not paused although the daemon
         * applied {@code pause: true} (an automatic failover while paused, invariant 8).
         */
        IGNORE_PAUSE
    }

    /** The two timings of the sweep: Patroni's defaults (30/10/10) and a fast one (20/2/5), by seed parity. */
    static SimConfig forSeed(long seed, Bug bug) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        boolean defaults = (seed & 1) == 0;
        int nodes = r.nextInt(4) == 0 ? 4 : 3;
        return new SimConfig(nodes, defaults ? 30 : 20, defaults ? 10 : 2, defaults ? 10 : 5, 1_048_576,
                r.nextInt(5) != 0, r.nextInt(4) == 0, 45, 180, 10, bug, true, true, true, true, true, true, true,
                SyncMode.OFF, true, false);
    }

    /** The model without the fix of one finding (1-7), everything else as in the sweep. */
    SimConfig withoutFix(int finding) {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, replicaRewindCheck && finding != 1,
                backgroundWrites && finding != 2, reReadBeforeRace && finding != 3,
                roleBeforeStandbyStart && finding != 4, switchoverLagCheck && finding != 5,
                demoteLocklessPrimaryDuringAsync && finding != 6, switchovers, syncMode,
                strictStandbyNamesAtStart && finding != 7, operatorFaults);
    }

    /** The daemon before the fixes of all four findings. */
    SimConfig beforeFixes() {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, false, false, false, false, switchoverLagCheck,
                demoteLocklessPrimaryDuringAsync, switchovers, syncMode, strictStandbyNamesAtStart, operatorFaults);
    }

    /** The fault schedule of the sweep before issue #3's switchover requests (the old seeds' schedules). */
    SimConfig withoutSwitchovers() {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, replicaRewindCheck, backgroundWrites,
                reReadBeforeRace, roleBeforeStandbyStart, switchoverLagCheck,
                demoteLocklessPrimaryDuringAsync, false, syncMode, strictStandbyNamesAtStart, operatorFaults);
    }

    /** The same cluster and fault schedule with synchronous_mode on or strict. */
    SimConfig withSync(SyncMode mode) {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, replicaRewindCheck, backgroundWrites,
                reReadBeforeRace, roleBeforeStandbyStart, switchoverLagCheck,
                demoteLocklessPrimaryDuringAsync, switchovers, mode, strictStandbyNamesAtStart, operatorFaults);
    }

    /**
     * The same cluster with the operators' faults of {@link FaultSchedule} on top: maintenance mode
     * (pause / resume through the {@code config} key) and SIGTERM of a daemon. Off in the older sweeps,
     * so their seeds keep their schedules.
     */
    SimConfig withOperatorFaults() {
        return new SimConfig(nodes, ttl, loopWait, retryTimeout, maximumLagOnFailover, usePgRewind, oneNofailover,
                warmupSeconds, faultWindowSeconds, meanFaultGapSeconds, bug, replicaRewindCheck, backgroundWrites,
                reReadBeforeRace, roleBeforeStandbyStart, switchoverLagCheck,
                demoteLocklessPrimaryDuringAsync, switchovers, syncMode, strictStandbyNamesAtStart, true);
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
