package io.jpatroni.core.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The invariants catch a planted safety bug: with one safety check removed, some of the first
 * seeds must report a violation of the expected invariant (and print its trace).
 */
class PlantedBugTest {

    @ParameterizedTest(name = "{0} is caught as invariant {1}")
    @CsvSource({
        "IGNORE_FAILED_RENEWAL, 5|1",
        "NO_DEMOTE_ON_DCS_FAILURE, 5|1",
        "SKIP_LAG_CHECK, 2",
    })
    void plantedBugIsReported(SimConfig.Bug bug, String expected) {
        Set<Integer> invariants = Set.of(expected.split("\\|")).stream().map(Integer::parseInt)
                .collect(java.util.stream.Collectors.toSet());
        Optional<Simulation.Result> caught = LongStream.range(0, 400).parallel()
                .mapToObj(s -> ClusterSimulationTest.runSeed(s, bug))
                .filter(r -> r.violation().isPresent())
                .findFirst();
        assertTrue(caught.isPresent(), bug + " went unnoticed in 400 seeds");
        Simulation.Result first = caught.get();
        System.out.println(bug + ": seed " + first.seed() + " " + first.violation().get());
        assertTrue(invariants.contains(first.violation().get().invariant()),
                () -> bug + " reported as " + first.violation().get());
        Simulation.Result traced = Simulation.run(first.seed(), SimConfig.forSeed(first.seed(), bug), true);
        assertTrue(traced.trace().stream().anyMatch(l -> l.contains("VIOLATION:")), "the trace names the violation");
    }
}
