package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.jpatroni.api.dcs.DcsTiming;

/** Issue 10 items 2, 3, 4, 5: what PATCH/PUT /config and bootstrap.dcs refuse, and the node's own overflow guard. */
class DynamicConfigRulesTest {

    private static List<String> problems(Map<String, Object> raw) {
        return DynamicConfig.check(raw).stream().map(ConfigProblem::toString).toList();
    }

    private static void refused(Map<String, Object> raw, String expected) {
        List<String> p = problems(raw);
        assertTrue(p.stream().anyMatch(s -> s.contains(expected)), () -> "expected \"" + expected + "\" in " + p);
    }

    @Test
    void hugeRetryTimeoutNoLongerWrapsTheTimingRule() {
        // once: 2 × 1500000000 wrapped negative in int arithmetic, the rule passed and the lease outlived demotion
        ConfigException e = assertThrows(ConfigException.class, () -> DynamicConfig.fromMap(
                Map.of("ttl", 30, "loop_wait", 10, "retry_timeout", 1_500_000_000), new ArrayList<>()));
        assertEquals("retry_timeout 1500000000 is above the maximum 1000000 seconds", e.problems().get(0).toString());
        refused(Map.of("retry_timeout", 1_500_000_000), "retry_timeout 1500000000 is above the maximum 1000000");
        refused(Map.of("retry_timeout", "99999999999999999999"), "retry_timeout \"99999999999999999999\" is not an integer");
    }

    @Test
    void theRepairIsDoneInLongArithmeticAtTheMaximum() throws Exception {
        List<String> w = new ArrayList<>();
        DcsTiming t = DynamicConfig.fromMap(Map.of("ttl", 30, "loop_wait", 1_000_000, "retry_timeout", 1_000_000), w)
                .timing();
        assertEquals(new DcsTiming(30, 1, 14), t);
        assertEquals(1, w.size(), w::toString);
        assertTrue(problems(Map.of("ttl", 30, "loop_wait", 1_000_000, "retry_timeout", 1_000_000)).isEmpty(),
                "repaired by the node as Patroni does, so accepted");
    }

    @Test
    void typeErrorsAreRefusedWithKeyAndValue() {
        assertEquals(List.of("ttl \"abc\" is not an integer number of seconds (write e.g. ttl: 30)"),
                problems(Map.of("ttl", "abc")));
        refused(Map.of("loop_wait", true), "loop_wait true is not an integer number of seconds");
        refused(Map.of("ttl", 10), "ttl 10 is below the minimum 20");
        refused(Map.of("retry_timeout", 2), "retry_timeout 2 is below the minimum 3");
        refused(Map.of("maximum_lag_on_failover", -5), "maximum_lag_on_failover -5 is below the minimum 0");
        refused(Map.of("maximum_lag_on_failover", "lots"), "maximum_lag_on_failover \"lots\" is not an integer");
        refused(Map.of("primary_start_timeout", 10_000_000_000L), "is above the maximum");
        refused(Map.of("synchronous_node_count", 0), "synchronous_node_count 0 is below the minimum 1");
        refused(Map.of("pause", "maybe"), "pause \"maybe\" is not a boolean");
        refused(Map.of("postgresql", List.of()), "postgresql [] is not a dictionary");
        refused(Map.of("postgresql", Map.of("use_slots", "sometimes")), "postgresql.use_slots \"sometimes\" is not a boolean");
        refused(Map.of("slots", "x"), "slots \"x\" is not a dictionary");
        assertTrue(problems(Map.of("ttl", "40", "loop_wait", 5, "retry_timeout", 10, "pause", "on",
                "member_slots_ttl", "30min", "postgresql", Map.of("parameters", Map.of("work_mem", "8MB")))).isEmpty());
    }

    @Test
    void unimplementedSettingsAreRefused() {
        refused(Map.of("failsafe_mode", true), "failsafe_mode true is not implemented by jpatroni yet");
        assertTrue(problems(Map.of("failsafe_mode", false)).isEmpty());
        refused(Map.of("synchronous_mode", "quorum"), "synchronous_mode \"quorum\" is not implemented by jpatroni yet");
        assertTrue(problems(Map.of("synchronous_mode", true, "synchronous_mode_strict", "off")).isEmpty());
        refused(Map.of("standby_cluster", Map.of("host", "10.0.0.9", "port", 5432)), "is not implemented by jpatroni yet");
        assertTrue(problems(Map.of("standby_cluster", Map.of("host", ""))).isEmpty(), "an empty section is no standby cluster");
    }

    @Test
    void parameterNamesAndValuesCannotAddLines() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("work_mem\nstatement_timeout", "1");
        params.put("search_path", "public'\nfsync = 'off");
        params.put("application_name", "a\0b");
        params.put("1bad", "x");
        params.put("ok.custom_name", "fine");
        List<String> p = problems(Map.of("postgresql", Map.of("parameters", params)));
        assertEquals(4, p.size(), p::toString);
        assertTrue(p.get(0).startsWith("postgresql.parameters \"work_mem\\nstatement_timeout\" is not a valid PostgreSQL"
                + " parameter name"), p::toString);
        assertTrue(p.get(1).contains("postgresql.parameters.search_path") && p.get(1).contains("line feed"), p::toString);
        assertTrue(p.get(2).contains("NUL"), p::toString);
        refused(Map.of("postgresql", Map.of("parameters", Map.of("work_mem", List.of(1)))), "is not a single value");
        refused(Map.of("postgresql", Map.of("pg_hba", List.of("host all all 0.0.0.0/0 md5\rhost all all 0.0.0.0/0 trust"))),
                "postgresql.pg_hba.0");
    }
}
