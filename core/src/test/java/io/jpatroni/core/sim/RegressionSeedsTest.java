package io.jpatroni.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every seed on which the simulator found a bug (in the daemon or in the simulator's own model).
 * Each must pass with the decisions as they are now and the executor model of the sweep. For the
 * four findings in the executor/loop/DCS plumbing (not in the
 * decisions; see {@link SimConfig}), the same seed run with the daemon's current behaviour must
 * still show the violation, so these tests document the bug until the daemon is fixed.
 */
class RegressionSeedsTest {

    @ParameterizedTest(name = "seed {0}: {1}")
    @CsvSource({
        "9, replica kept WAL of a timeline the new leader forked from and never rewinds (finding 1)",
        "6, replica received WAL past the new leader's fork point and never rewinds (finding 1)",
        "463, stale replica follows a leader whose timeline has the same number but another history (finding 1)",
        "3481, demoted primary restarted read-only skips the rewind check while the leader is down (finding 1)",
        "146, lock holder's status/member writes delay the next iteration past ttl (finding 2)",
        "1976, restarted daemon promotes its own starting PostgreSQL (invariant 2 measured on real WAL)",
        "4453, promote finished after the lock was lost (fixed in core.ha AsyncActionPolicy)",
        "59796, race decided on a snapshot 40 s old promotes 1.8 MB behind the newer status.optime (finding 3)",
        "17818, primary_conninfo reloaded while the standby was still starting (simulator model bug)",
        "68579, DCS failure while a former primary starts as a standby: demoted behind the rejoin's back (finding 4)",
        "79572, primary_conninfo reloaded while the standby was still starting (simulator model bug)",
        "95853, primary_conninfo reloaded while the standby was still starting (simulator model bug)",
    })
    void seedPasses(long seed, String what) {
        Simulation.Result r = ClusterSimulationTest.runSeed(seed, SimConfig.Bug.NONE);
        if (r.violation().isPresent()) {
            ClusterSimulationTest.report(Simulation.run(seed, SimConfig.forSeed(seed, SimConfig.Bug.NONE), true));
        }
        assertTrue(r.violation().isEmpty(), () -> "seed " + seed + ": " + r.violation().get());
    }

    @ParameterizedTest(name = "seed {0} without the fix of finding {1} violates invariant {2}")
    @CsvSource({
        "9, 1, 4",
        "146, 2, 5",
        "59796, 3, 2",
        "68579, 4, 4",
    })
    void withoutTheFixTheSeedStillFails(long seed, int finding, int invariant) {
        SimConfig config = SimConfig.forSeed(seed, SimConfig.Bug.NONE).withoutFix(finding);
        Simulation.Result r = Simulation.run(seed, config, false);
        assertTrue(r.violation().isPresent(), "seed " + seed + " no longer shows finding " + finding + " without its fix");
        assertEquals(invariant, r.violation().get().invariant(), r.violation().get().toString());
    }
}
