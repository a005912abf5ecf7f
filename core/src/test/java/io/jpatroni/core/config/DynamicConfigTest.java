package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.jpatroni.api.dcs.DcsTiming;

/** timing.md §1.1 clamps and repairs, and the lenient reading of the other dynamic keys. */
class DynamicConfigTest {

    private static DcsTiming timing(Object ttl, Object loop, Object retry, List<String> warnings) throws ConfigException {
        return DynamicConfig.fromMap(Map.of("ttl", ttl, "loop_wait", loop, "retry_timeout", retry), warnings).timing();
    }

    @Test
    void examplesFromTheTimingSpec() throws Exception {
        List<String> w = new ArrayList<>();
        assertEquals(new DcsTiming(30, 1, 14), timing(30, 10, 15, w));
        assertEquals(1, w.size());
        w.clear();
        assertEquals(new DcsTiming(30, 10, 10), timing(30, 15, 10, w));
        assertEquals(1, w.size());
        w.clear();
        assertEquals(new DcsTiming(20, 1, 9), timing(20, 10, 10, w));
        w.clear();
        assertEquals(new DcsTiming(30, 10, 10), timing(30, 10, 10, w));
        assertTrue(w.isEmpty(), w::toString);
    }

    @Test
    void minimumsAreRaisedWithAWarning() throws Exception {
        List<String> w = new ArrayList<>();
        assertEquals(new DcsTiming(20, 1, 3), timing(5, 0, 1, w));
        assertTrue(w.stream().anyMatch(s -> s.startsWith("ttl=5 is below the minimum 20")), w::toString);
        assertTrue(w.stream().anyMatch(s -> s.startsWith("loop_wait=0")), w::toString);
        assertTrue(w.stream().anyMatch(s -> s.startsWith("retry_timeout=1")), w::toString);
    }

    @Test
    void integerConversionIsPythonInt() throws Exception {
        assertEquals(new DcsTiming(40, 10, 10), timing("40", " 10 ", 10.7, new ArrayList<>()));
        ConfigException e = assertThrows(ConfigException.class, () -> timing("30s", 10, 10, new ArrayList<>()));
        assertEquals("ttl \"30s\" is not an integer number of seconds", e.problems().get(0).toString());
        assertThrows(ConfigException.class, () -> timing(30, "abc", 10, new ArrayList<>()));
    }

    @Test
    void defaults() {
        DynamicConfig d = DynamicConfig.defaults();
        assertEquals(DcsTiming.DEFAULT, d.timing());
        assertEquals(1_048_576L, d.maximumLagOnFailover());
        assertEquals(300, d.primaryStartTimeout());
        assertEquals(0, d.primaryStopTimeout());
        assertEquals(1, d.synchronousNodeCount());
        assertTrue(d.useSlots());
        assertFalse(d.synchronousMode() || d.synchronousModeStrict() || d.failsafeMode() || d.pause() || d.checkTimeline());
        assertEquals(Optional.empty(), d.usePgRewind());
        assertFalse(d.isStandbyCluster());
        assertEquals(-1, d.maximumLagOnSyncnode());
        assertEquals(1800, d.memberSlotsTtl());
    }

    @Test
    void boolishAndLenientValues() throws Exception {
        List<String> w = new ArrayList<>();
        DynamicConfig d = DynamicConfig.fromMap(Map.of(
                "synchronous_mode", "on", "synchronous_mode_strict", "yes", "pause", true, "failsafe_mode", "maybe",
                "check_timeline", 1, "maximum_lag_on_failover", "lots", "master_start_timeout", 60,
                "postgresql", Map.of("use_slots", "off", "use_pg_rewind", "false",
                        "parameters", Map.of("max_connections", 200), "pg_hba", List.of("local all all trust")),
                "standby_cluster", Map.of("host", "10.0.0.1", "port", 5432, "bogus", 1),
                "member_slots_ttl", "30min"), w);
        assertTrue(d.synchronousMode());
        assertTrue(d.synchronousModeStrict());
        assertTrue(d.pause());
        assertFalse(d.failsafeMode());
        assertTrue(d.checkTimeline());
        assertEquals(1_048_576L, d.maximumLagOnFailover());
        assertTrue(w.stream().anyMatch(s -> s.startsWith("maximum_lag_on_failover \"lots\"")), w::toString);
        assertEquals(60, d.primaryStartTimeout()); // legacy alias used when the new key is absent
        assertFalse(d.useSlots());
        assertEquals(Optional.of(true), d.usePgRewind()); // truthiness: the string "false" is true
        assertEquals(Map.of("max_connections", 200), d.postgresqlParameters());
        assertEquals(List.of("local all all trust"), d.pgHba());
        assertTrue(d.isStandbyCluster());
        assertEquals(Map.of("host", "10.0.0.1", "port", 5432), d.standbyCluster());
        assertEquals(1800, d.memberSlotsTtl());
    }

    @Test
    void quorumMode() throws Exception {
        DynamicConfig d = DynamicConfig.fromMap(Map.of("synchronous_mode", "Quorum"), new ArrayList<>());
        assertTrue(d.synchronousMode());
        assertTrue(d.quorumCommitMode());
    }
}
