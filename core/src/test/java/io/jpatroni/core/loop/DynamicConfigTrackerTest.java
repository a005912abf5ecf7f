package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.config.ConfigLoader;
import io.jpatroni.core.config.PatroniConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pause is refreshed from every snapshot at the start of the iteration (ha-loop.md §21.2), not only
 * when the new configuration is applied at its end: the simulator (invariant 8, seed 5 of
 * OperatorFaultsSimulationTest before the fix) saw a replica read {@code pause: true} with a free lock
 * and still fail over in that iteration.
 */
class DynamicConfigTrackerTest {

    @TempDir
    Path dataDir;

    private DynamicConfigTracker tracker() throws Exception {
        Map<String, Object> raw = new java.util.LinkedHashMap<>(Map.of("scope", "batman", "name", "node1",
                "restapi", Map.of("listen", "127.0.0.1:8008", "connect_address", "10.0.0.1:8008"),
                "etcd3", Map.of("hosts", "127.0.0.1:2379"),
                "postgresql", Map.of("listen", "127.0.0.1:5432", "connect_address", "10.0.0.1:5432",
                        "data_dir", dataDir.toString(), "authentication", Map.of(
                                "superuser", Map.of("username", "postgres", "password", "x"),
                                "replication", Map.of("username", "replicator", "password", "y")))));
        PatroniConfig config = ConfigLoader.bind(raw).config();
        return new DynamicConfigTracker(config);
    }

    private static ClusterView withConfig(String json, long version) {
        return ClusterView.decode(KeyLayout.assemble(List.of(new KeyLayout.Node("config", json, version, null))));
    }

    @Test
    void pauseCountsFromTheIterationThatReadsIt() throws Exception {
        DynamicConfigTracker tracker = tracker();
        assertFalse(tracker.paused());
        tracker.observe(withConfig("{\"ttl\":30,\"pause\":true}", 5));
        assertTrue(tracker.paused(), "paused before the configuration is applied");
        assertFalse(tracker.current().pause(), "the configuration itself is applied at the end of the iteration");
        tracker.observe(withConfig("{\"ttl\":30}", 6));
        assertFalse(tracker.paused());
    }

    @Test
    void aSnapshotWithoutConfigKeepsWhatIsInForce() throws Exception {
        DynamicConfigTracker tracker = tracker();
        tracker.observe(withConfig("{\"pause\":true}", 5));
        tracker.observe(ClusterView.decode(KeyLayout.assemble(List.of())));
        assertTrue(tracker.paused());
    }

    /**
     * Issue 10 items 2-3: every invalid version is rejected (and logged) while the last valid one stays in
     * force, and a later valid version is applied. No DCS is passed: the timing never changes here, so the
     * tracker must not touch it (the old code adopted retry_timeout 1500000000 and did).
     */
    @Test
    void invalidVersionsAreRejectedEachTimeAndTheNextValidOneApplies() throws Exception {
        DynamicConfigTracker tracker = tracker();
        assertFalse(tracker.update(withConfig("{\"ttl\":\"abc\"}", 5), null));
        assertEquals(30, tracker.current().ttl());
        assertTrue(tracker.rejection().orElseThrow().contains("ttl \"abc\""), tracker.rejection().toString());
        assertFalse(tracker.update(withConfig("{\"ttl\":30,\"retry_timeout\":1500000000}", 6), null));
        assertEquals(10, tracker.current().retryTimeout());
        assertTrue(tracker.rejection().orElseThrow().contains("retry_timeout 1500000000"), tracker.rejection().toString());
        assertFalse(tracker.update(withConfig("{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,"
                + "\"postgresql\":{\"parameters\":{\"work_mem\":\"9MB\"}}}", 7), null));
        assertEquals(Optional.empty(), tracker.rejection());
        assertEquals("9MB", tracker.current().postgresqlParameters().get("work_mem"));
    }
}
