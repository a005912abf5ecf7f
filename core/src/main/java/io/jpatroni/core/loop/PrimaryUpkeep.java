package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.ValueParsers;
import io.jpatroni.core.postgres.ExistingSlot;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.SlotNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the lock holder keeps in step every iteration: the {@code status} key with its WAL
 * position and slot positions, the {@code history} key with its timeline, and the replication slots.
 */
final class PrimaryUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryUpkeep.class);

    private final String name;
    private final Dcs dcs;
    private final PostgresNode pg;
    private final java.util.function.LongSupplier nanos;
    /** When each member was last seen in a snapshot, on any node: a new leader keeps their slots too. */
    private final Map<String, Long> membersLastSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private String lastStatus;
    /** Slots held as leader, with when each was last seen as a member's slot: status.retain_slots. */
    private final Map<String, Long> retainSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean wasLeader;
    /** status.slots and status.retain_slots as the last slot upkeep found them (written with each renewal). */
    private volatile Map<String, Long> publishedSlots = Map.of();
    private volatile List<String> retainSlots = List.of();
    /** Whether status.slots names my own slot too (member_slots_ttl &gt; 0: everything is published). */
    private volatile boolean publishMine;

    private final BackgroundWrites writes;

    PrimaryUpkeep(String name, Dcs dcs, PostgresNode pg, java.util.function.LongSupplier nanos,
                  BackgroundWrites writes) {
        this.writes = writes;
        this.name = name;
        this.dcs = dcs;
        this.pg = pg;
        this.nanos = nanos;
    }

    /** Called for every snapshot read, leader or not. */
    void observe(ClusterView cluster) {
        long now = nanos.getAsLong();
        cluster.members().forEach(m -> membersLastSeen.put(m.name(), now));
        if (!cluster.leaderName().map(name::equals).orElse(false)) {
            wasLeader = false;
            publishedSlots = Map.of();
            publishMine = false;
            retainSlots = List.of();
            retainSeen.clear();
        }
    }

    /** After each lock renewal: {@code status} with the current WAL position, in the background. */
    void publishStatus() {
        currentPosition().ifPresent(json -> writes.submit("status", () -> writeStatus(json)));
    }

    /** Before releasing the lock, and waited for: replicas judge their lag by it. */
    void publishOptime() {
        currentPosition().ifPresent(this::writeStatus);
    }

    /** The last position of a stopped primary (its shutdown checkpoint), waited for. */
    void publishOptime(long lsn) {
        writeStatus(statusJson(lsn));
    }

    /** {@code {"optime": N, "slots": {...}, "retain_slots": [...]}}, empty parts left out (dcs.md §2.8). */
    private String statusJson(long optime) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("optime", optime);
        Map<String, Long> slots = new java.util.TreeMap<>(publishedSlots);
        if (publishMine) {
            slots.put(SlotNames.forMember(name), optime);
        }
        if (!slots.isEmpty()) {
            status.put("slots", slots);
        }
        List<String> retain = retainSlots;
        if (!retain.isEmpty()) {
            status.put("retain_slots", retain);
        }
        return Json.write(status);
    }

    private java.util.Optional<String> currentPosition() {
        try {
            var local = pg.query();
            return local.inRecovery() ? java.util.Optional.empty()
                    : java.util.Optional.of(statusJson(local.walPosition()));
        } catch (PostgresException e) {
            LOG.debug("status not published: {}", e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** Skips an unchanged value; runs on the loop thread or the background writer, one at a time. */
    private synchronized void writeStatus(String json) {
        if (!json.equals(lastStatus) && dcs.writeStatus(json)) {
            lastStatus = json;
        }
    }

    void maintain(ClusterView cluster, DynamicConfig dynamic) {
        try {
            maintainHistory(cluster);
        } catch (PostgresException | RuntimeException e) {
            LOG.warn("could not update the history key: {}", e.getMessage());
        }
        try {
            maintainSlots(cluster, dynamic);
        } catch (PostgresException e) {
            LOG.warn("could not synchronise replication slots: {}", e.getMessage());
        }
    }

    private void maintainHistory(ClusterView cluster) throws PostgresException {
        long timeline = pg.query().timeline();
        String stored = cluster.raw().history().map(h -> h.value()).orElse(null);
        if (timeline <= 1) {
            if (!"[]".equals(stored)) {
                writes.submit("history", () -> dcs.setHistoryValue("[]"));
            }
            return;
        }
        List<List<Object>> lines = cluster.history().orElse(List.of());
        boolean current = !lines.isEmpty() && lines.get(lines.size() - 1).size() >= 5
                && toLong(lines.get(lines.size() - 1).get(0)) == timeline - 1;
        if (current) {
            return;
        }
        List<List<Object>> fresh = TimelineHistory.read(pg.timelineHistoryFile(timeline), lines, name);
        if (!fresh.isEmpty()) {
            String json = Json.write(fresh);
            writes.submit("history", () -> dcs.setHistoryValue(json));
        }
    }

    /**
     * Member slots (also of members whose key vanished less than member_slots_ttl ago: the old
     * leader coming back after a failover finds its slot waiting), permanent slots of the dynamic
     * configuration, and dropping of the rest when idle (ha-loop.md §17). Remembers what
     * {@code status} publishes next.
     */
    private void maintainSlots(ClusterView cluster, DynamicConfig dynamic) throws PostgresException {
        observe(cluster);
        var local = pg.query();
        long now = nanos.getAsLong();
        long ttlNanos = java.time.Duration.ofSeconds(dynamic.memberSlotsTtl()).toNanos();
        boolean keepGone = dynamic.memberSlotsTtl() > 0 && local.serverVersion() >= 110000;
        if (!wasLeader) {
            // Winning the lock: the previous leader's retained names get a fresh start (§17.4).
            statusRetainSlots(cluster).forEach(n -> retainSeen.put(n, now));
            wasLeader = true;
        }
        membersLastSeen.values().removeIf(seen -> now - seen > ttlNanos);
        Set<String> retained = new java.util.TreeSet<>();
        if (keepGone) {
            membersLastSeen.keySet().forEach(m -> retained.add(SlotNames.forMember(m)));
            retained.addAll(retainSeen.keySet());
        }
        SlotPlan.Desired desired = SlotPlan.desired(new SlotPlan.Inputs(name, true, dynamic.useSlots(),
                cluster.members(), cluster.leaderName(), retained, keepGone, dynamic.slots(),
                dynamic.isStandbyCluster(), cluster.statusSlots()));
        desired.errors().forEach(LOG::error);
        var slots = pg.replicationSlots();
        List<ExistingSlot> existing = slots.list(local.serverVersion());
        SlotChanges.apply(SlotPlan.changes(desired, existing, dynamic.ignoreSlots(), dynamic.pause(), true,
                local.walPosition()), slots);
        rememberForStatus(cluster, dynamic, desired, existing, local.serverVersion(), now, ttlNanos);
    }

    /** What the next {@code status} carries besides the optime (dcs.md §2.8). */
    private void rememberForStatus(ClusterView cluster, DynamicConfig dynamic, SlotPlan.Desired desired,
                                   List<ExistingSlot> existing, int serverVersion, long now, long ttlNanos) {
        if (serverVersion < 110000 || !dynamic.useSlots()) {
            publishMine = false;
            publishedSlots = Map.of();
            retainSlots = List.of();
            return;
        }
        boolean onlyPermanent = dynamic.memberSlotsTtl() <= 0;
        Map<String, Long> positions = new java.util.TreeMap<>();
        for (ExistingSlot slot : existing) {
            if (desired.slots().containsKey(slot.name()) && (!onlyPermanent || desired.isPermanent(slot.name()))
                    && slot.position().isPresent()) {
                positions.put(slot.name(), slot.position().getAsLong());
            }
        }
        publishedSlots = positions;
        publishMine = !onlyPermanent;
        if (onlyPermanent) {
            retainSeen.clear();
            retainSlots = List.of();
            return;
        }
        String mySlot = SlotNames.forMember(name);
        Set<String> memberSlots = cluster.members().stream()
                .filter(m -> !ValueParsers.boolish(m.tags().get("nostream")).orElse(false))
                .map(m -> SlotNames.forMember(m.name())).collect(Collectors.toSet());
        for (ExistingSlot slot : existing) {
            if ((memberSlots.contains(slot.name()) || slot.name().equals(mySlot)) && !desired.isPermanent(slot.name())) {
                retainSeen.put(slot.name(), now);
            }
        }
        retainSeen.put(mySlot, now);
        retainSeen.values().removeIf(seen -> now - seen > ttlNanos);
        retainSlots = retainSeen.keySet().stream().sorted().toList();
    }

    /** {@code status.retain_slots} of the snapshot; empty when absent or garbage. */
    static List<String> statusRetainSlots(ClusterView cluster) {
        return cluster.raw().status().map(s -> Json.parse(s.value()))
                .filter(j -> j.isObject() && j.path("retain_slots").isArray())
                .map(j -> {
                    List<String> names = new java.util.ArrayList<>();
                    j.path("retain_slots").forEach(n -> {
                        if (n.isTextual()) {
                            names.add(n.asText());
                        }
                    });
                    return names;
                }).orElse(List.of());
    }

    private static long toLong(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
