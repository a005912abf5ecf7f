package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.Member;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.loop.SlotPlan.Change;
import io.jpatroni.core.postgres.ExistingSlot;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SlotPlanTest {

    private static MemberInfo member(String name, String json) {
        return MemberInfo.decode(new Member(name, json, 1, null));
    }

    private static final List<MemberInfo> THREE = List.of(
            member("node-1", "{\"role\":\"primary\",\"conn_url\":\"postgres://h1:5432/postgres\"}"),
            member("node-2", "{\"role\":\"replica\",\"conn_url\":\"postgres://h2:5432/postgres\",\"xlog_location\":500}"),
            member("node-3", "{\"role\":\"replica\",\"conn_url\":\"postgres://h3:5432/postgres\"}"));

    private static Map<String, Object> permanent() {
        Map<String, Object> slots = new LinkedHashMap<>();
        slots.put("keep_me", null);
        slots.put("phys2", Map.of("type", "physical"));
        slots.put("cdc", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding"));
        slots.put("inferred", Map.of("database", "app", "plugin", "pgoutput"));
        slots.put("Bad-Name", Map.of());
        slots.put("no_plugin", Map.of("type", "logical", "database", "postgres"));
        slots.put("node_1", Map.of());
        slots.put("node_2", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding"));
        return slots;
    }

    private static SlotPlan.Inputs inputs(String me, boolean primary, List<String> retained, boolean keepAll,
                                          Map<String, Object> permanent, Map<String, Long> status) {
        return new SlotPlan.Inputs(me, primary, true, THREE, Optional.of("node-1"), retained, keepAll,
                permanent, false, status);
    }

    private static ExistingSlot physical(String name, boolean active, Long restart) {
        return new ExistingSlot(name, "physical", Optional.empty(), Optional.empty(), active,
                restart == null ? OptionalLong.empty() : OptionalLong.of(restart), OptionalLong.empty(), false, false);
    }

    private static ExistingSlot logical(String name, String db, String plugin, boolean active) {
        return new ExistingSlot(name, "logical", Optional.of(db), Optional.of(plugin), active,
                OptionalLong.of(100), OptionalLong.of(200), false, false);
    }

    @Test
    void theLeaderWantsAMemberSlotPerOtherMemberAndTheValidPermanentSlots() {
        SlotPlan.Desired d = SlotPlan.desired(inputs("node-1", true, List.of("gone_member"), true, permanent(),
                Map.of("keep_me", 42L)));
        assertEquals(List.of("cdc", "gone_member", "inferred", "keep_me", "node_2", "node_3", "phys2"),
                d.slots().keySet().stream().sorted().toList());
        assertFalse(d.slots().get("node_2").logical(), "the member slot wins over a permanent logical slot");
        assertFalse(d.slots().get("node_2").permanent());
        assertTrue(d.slots().get("keep_me").permanent());
        assertEquals(OptionalLong.of(42), d.slots().get("keep_me").lsn());
        SlotPlan.Slot cdc = d.slots().get("cdc");
        assertTrue(cdc.logical());
        assertEquals(Optional.of("postgres"), cdc.database());
        assertEquals(Optional.of("test_decoding"), cdc.plugin());
        assertTrue(d.slots().get("inferred").logical(), "database + plugin make a logical slot");
        assertTrue(d.errors().stream().anyMatch(e -> e.contains("Bad-Name")), d.errors().toString());
        assertTrue(d.errors().stream().anyMatch(e -> e.contains("no_plugin")), d.errors().toString());
        assertTrue(d.errors().stream().anyMatch(e -> e.contains("node_2")), d.errors().toString());
        assertFalse(d.errors().stream().anyMatch(e -> e.contains("node_1")),
                "a permanent physical slot named like my own slot is skipped quietly");
        assertTrue(d.slots().get("node_2").expectActive(), "a replica streaming from the leader uses its slot");
    }

    @Test
    void aReplicaKeepsPermanentPhysicalSlotsAndTheOtherMembersSlots() {
        SlotPlan.Desired d = SlotPlan.desired(inputs("node-2", false, List.of("node_2", "old_one"), true, permanent(),
                Map.of("node_1", 900L, "keep_me", 300L)));
        // node_1 (the leader's), node_3, retained old_one, permanents; not my own node_2
        assertTrue(d.slots().keySet().containsAll(List.of("node_1", "node_3", "old_one", "keep_me", "phys2")));
        assertFalse(d.slots().containsKey("node_2"));
        assertFalse(d.slots().get("keep_me").expectActive(), "on a replica nobody streams from a permanent slot");
        assertEquals(OptionalLong.of(900), d.slots().get("node_1").lsn());
    }

    @Test
    void withoutMemberSlotsTtlAReplicaKeepsOnlyCascadingMembersAndPermanentSlots() {
        List<MemberInfo> members = List.of(THREE.get(0), THREE.get(1),
                member("node-3", "{\"role\":\"replica\",\"tags\":{\"replicatefrom\":\"node-2\"},\"xlog_location\":777}"));
        SlotPlan.Desired d = SlotPlan.desired(new SlotPlan.Inputs("node-2", false, true, members, Optional.of("node-1"),
                List.of(), false, Map.of("keep_me", new HashMap<>()), false, Map.of("node_3", 700L)));
        assertEquals(List.of("keep_me", "node_3"), d.slots().keySet().stream().sorted().toList());
        assertTrue(d.slots().get("node_3").expectActive());
        assertEquals(OptionalLong.of(777), d.slots().get("node_3").lsn(), "max with the cascading member's position");
    }

    @Test
    void nostreamMembersAndUseSlotsOff() {
        List<MemberInfo> members = List.of(THREE.get(0), member("node-2", "{\"tags\":{\"nostream\":true}}"));
        SlotPlan.Desired d = SlotPlan.desired(new SlotPlan.Inputs("node-1", true, true, members, Optional.of("node-1"),
                List.of(), true, Map.of(), false, Map.of()));
        assertTrue(d.slots().isEmpty());
        SlotPlan.Desired off = SlotPlan.desired(new SlotPlan.Inputs("node-1", true, false, THREE, Optional.of("node-1"),
                List.of(), true, permanent(), false, Map.of()));
        assertTrue(off.slots().isEmpty());
    }

    @Test
    void standbyClusterKeepsOnlyPhysicalPermanentSlotsByClusterType() {
        Map<String, Object> slots = new LinkedHashMap<>();
        slots.put("for_primary", Map.of("cluster_type", "primary"));
        slots.put("for_standby", Map.of("cluster_type", "standby"));
        slots.put("any", null);
        slots.put("cdc", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding"));
        SlotPlan.Desired d = SlotPlan.desired(new SlotPlan.Inputs("node-1", true, true, List.of(THREE.get(0)),
                Optional.of("node-1"), List.of(), true, slots, true, Map.of()));
        assertEquals(List.of("any", "for_standby"), d.slots().keySet().stream().sorted().toList());
    }

    @Test
    void primaryCreatesMissingDropsUnwantedIdleSlotsButNotIgnoredOrActiveOnes() {
        SlotPlan.Desired d = SlotPlan.desired(inputs("node-1", true, List.of(), false,
                Map.of("keep_me", new HashMap<>(), "cdc", Map.of("type", "logical", "database", "postgres",
                        "plugin", "test_decoding")), Map.of()));
        List<ExistingSlot> existing = List.of(
                physical("node_2", true, 10L),
                physical("stale", false, 10L),
                physical("busy_stranger", true, 10L),
                logical("old_cdc", "postgres", "test_decoding", false),
                logical("manual", "app", "pgoutput", false),
                physical("hand_made", false, 10L));
        List<Map<String, Object>> ignore = List.of(Map.of("name", "manual", "type", "logical"),
                Map.of("name", "hand_made", "type", "physical"));
        List<Change> changes = SlotPlan.changes(d, existing, ignore, false, true, 1000);
        assertEquals(List.of("drop stale", "drop old_cdc", "create cdc", "create keep_me", "create node_3"),
                changes.stream().map(SlotPlanTest::describe).toList());
        assertTrue(SlotPlan.changes(d, existing, ignore, true, true, 1000).stream()
                        .noneMatch(c -> c instanceof Change.Drop), "nothing is dropped while paused");
    }

    @Test
    void aSlotOfTheWrongKindIsRecreatedAndALostOneToo() {
        SlotPlan.Desired d = SlotPlan.desired(inputs("node-1", true, List.of(), false,
                Map.of("cdc", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding")), Map.of()));
        List<ExistingSlot> existing = List.of(
                logical("cdc", "postgres", "pgoutput", false),
                new ExistingSlot("node_2", "physical", Optional.empty(), Optional.empty(), false,
                        OptionalLong.of(5), OptionalLong.empty(), false, true),
                physical("node_3", false, 5L));
        assertEquals(List.of("drop cdc", "create cdc", "drop node_2", "create node_2"),
                SlotPlan.changes(d, existing, List.of(), false, true, 1000).stream().map(SlotPlanTest::describe).toList());
    }

    @Test
    void aReplicaAdvancesIdlePhysicalSlotsUpToItsReplayPositionAndCreatesNoLogicalSlots() {
        SlotPlan.Desired d = SlotPlan.desired(inputs("node-2", false, List.of(), true,
                Map.of("keep_me", new HashMap<>(), "cdc", Map.of("type", "logical", "database", "postgres",
                        "plugin", "test_decoding")), Map.of("keep_me", 5000L, "node_1", 800L, "node_3", 50L)));
        List<ExistingSlot> existing = List.of(
                physical("keep_me", false, 100L),
                physical("node_1", false, 100L),
                physical("node_3", false, 100L));
        assertEquals(List.of("advance keep_me 1000", "advance node_1 800"),
                SlotPlan.changes(d, existing, List.of(), false, false, 1000).stream()
                        .map(SlotPlanTest::describe).toList());
        assertEquals(List.of("drop cdc"), SlotPlan.changes(d, List.of(physical("keep_me", false, 100L),
                        physical("node_1", false, 800L), physical("node_3", false, 50L),
                        logical("cdc", "postgres", "test_decoding", false)), List.of(), false, false, 1000).stream()
                        .map(SlotPlanTest::describe).filter(c -> c.contains("cdc")).toList(),
                "a logical slot left by a demoted primary is not kept: nothing would advance it");
        List<Change> fresh = SlotPlan.changes(d, List.of(physical("keep_me", false, null)), List.of(), false, false, 1000);
        assertEquals(List.of("drop keep_me", "create keep_me", "create node_1", "create node_3"),
                fresh.stream().map(SlotPlanTest::describe).toList(), "a slot that reserves no WAL is made again");
    }

    @Test
    void ignoreMatchersNeedEveryGivenAttribute() {
        ExistingSlot cdc = logical("cdc", "app", "pgoutput", false);
        assertTrue(SlotPlan.ignored(cdc, List.of(Map.of("name", "cdc"))));
        assertTrue(SlotPlan.ignored(cdc, List.of(Map.of("type", "logical", "database", "app"))));
        assertTrue(SlotPlan.ignored(cdc, List.of(Map.of("plugin", "x"), Map.of("plugin", "pgoutput"))));
        assertFalse(SlotPlan.ignored(cdc, List.of(Map.of("name", "cdc", "database", "other"))));
        assertFalse(SlotPlan.ignored(cdc, List.of(Map.of("type", "physical"))));
        assertFalse(SlotPlan.ignored(physical("p", false, 1L), List.of(Map.of("database", "app"))),
                "a physical slot has no database to match");
        assertFalse(SlotPlan.ignored(cdc, List.of()));
    }

    private static String describe(Change c) {
        if (c instanceof Change.Create create) {
            return "create " + create.slot().name();
        }
        if (c instanceof Change.Drop drop) {
            return "drop " + drop.slot().name();
        }
        Change.Advance a = (Change.Advance) c;
        return "advance " + a.name() + " " + a.lsn();
    }
}
