package io.jpatroni.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Deterministic cluster simulation (issue #3): the real HA decisions of every node, a simulated DCS,
 * PostgreSQL and network, thousands of seeded fault schedules, invariants after every event.
 *
 * <p>{@code -Dsim.seeds=N} sweeps seeds 0..N-1 (default 2000); {@code -Dsim.seed=S} replays one seed
 * and prints its trace. Seeds run in parallel; each one is single-threaded and deterministic.
 */
class ClusterSimulationTest {

    /** {@code -Dsim.beforeFixes=true}: run the executor model as the daemon was before the four findings' fixes. */
    private static SimConfig config(long seed) {
        SimConfig c = SimConfig.forSeed(seed, SimConfig.Bug.NONE);
        return Boolean.getBoolean("sim.beforeFixes") ? c.beforeFixes() : c;
    }

    @Test
    void sweep() {
        Long replay = Long.getLong("sim.seed");
        if (replay != null) {
            Simulation.Result r = Simulation.run(replay, config(replay), true);
            r.trace().forEach(System.out::println);
            System.out.printf("seed %d: %s, %d events, %.0f s virtual%n", replay,
                    r.violation().map(Object::toString).orElse("all invariants hold"), r.events(),
                    r.virtualMicros() / 1e6);
            assertTrue(r.violation().isEmpty(), () -> r.violation().get().toString());
            return;
        }
        long seeds = Long.getLong("sim.seeds", 2000);
        long started = System.nanoTime();
        List<Simulation.Result> results = LongStream.range(0, seeds).parallel()
                .mapToObj(s -> Simulation.run(s, config(s), false))
                .toList();
        double wall = (System.nanoTime() - started) / 1e9;
        long events = results.stream().mapToLong(Simulation.Result::events).sum();
        double virtualHours = results.stream().mapToLong(Simulation.Result::virtualMicros).sum() / 3.6e9;
        Optional<Simulation.Result> slowest = results.stream()
                .max(Comparator.comparingLong(Simulation.Result::convergedAfterHeal));
        System.out.printf("simulation sweep: %d seeds, %d events, %.1f h virtual time in %.1f s; slowest convergence "
                        + "after the last heal: %.1f s (seed %d)%n", seeds, events, virtualHours, wall,
                slowest.map(r -> r.convergedAfterHeal() / 1e6).orElse(0.0), slowest.map(r -> r.seed()).orElse(-1L));
        List<Simulation.Result> failed = results.stream().filter(r -> r.violation().isPresent()).toList();
        if (!failed.isEmpty()) {
            failed.forEach(r -> System.out.println("seed " + r.seed() + ": " + r.violation().get()));
            long first = failed.get(0).seed();
            Simulation.Result traced = Simulation.run(first, config(first), true);
            report(traced);
            fail(failed.size() + " of " + seeds + " seeds violate an invariant; first: seed " + first + " "
                    + traced.violation().map(Object::toString).orElse("(not reproduced!)")
                    + " — replay with -Dsim.seed=" + first);
        }
    }

    /** Prints the tail of a failing run's trace and keeps all of it under target/. */
    static void report(Simulation.Result r) {
        List<String> lines = r.trace();
        Path file = Path.of("target", "sim-seed-" + r.seed() + ".log");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            System.out.println("could not write " + file + ": " + e.getMessage());
        }
        System.out.println("---- seed " + r.seed() + " (" + r.config() + "), full trace in " + file.toAbsolutePath());
        lines.subList(Math.max(0, lines.size() - 300), lines.size()).forEach(System.out::println);
    }

    static Simulation.Result runSeed(long seed, SimConfig.Bug bug) {
        return Simulation.run(seed, SimConfig.forSeed(seed, bug), false);
    }

    /** The same seed gives the same run, event for event. */
    @Test
    void aSeedReplaysIdentically() {
        Simulation.Result a = Simulation.run(42, SimConfig.forSeed(42, SimConfig.Bug.NONE), true);
        Simulation.Result b = Simulation.run(42, SimConfig.forSeed(42, SimConfig.Bug.NONE), true);
        assertEquals(a.trace(), b.trace());
        assertEquals(a.events(), b.events());
    }
}
