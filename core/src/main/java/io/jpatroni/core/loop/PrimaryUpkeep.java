package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.config.DynamicConfig;
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
 * position, the {@code history} key with its timeline, and a physical slot for every replica.
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
        writeStatus(Json.write(Map.of("optime", lsn)));
    }

    private java.util.Optional<String> currentPosition() {
        try {
            var local = pg.query();
            return local.inRecovery() ? java.util.Optional.empty()
                    : java.util.Optional.of(Json.write(Map.of("optime", local.walPosition())));
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
        if (dynamic.useSlots()) {
            try {
                maintainSlots(cluster, java.time.Duration.ofSeconds(dynamic.memberSlotsTtl()).toNanos());
            } catch (PostgresException e) {
                LOG.warn("could not synchronise replication slots: {}", e.getMessage());
            }
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
     * A physical slot for every other member, also for members whose key vanished less than
     * member_slots_ttl ago (Patroni 4's retained slots): the old leader coming back after a failover
     * finds its slot waiting. Slots of members gone longer are dropped when idle.
     */
    private void maintainSlots(ClusterView cluster, long memberSlotsTtlNanos) throws PostgresException {
        observe(cluster);
        long now = nanos.getAsLong();
        membersLastSeen.values().removeIf(seen -> now - seen > memberSlotsTtlNanos);
        Set<String> wanted = membersLastSeen.keySet().stream()
                .filter(m -> !m.equals(name))
                .map(SlotNames::forMember)
                .collect(Collectors.toSet());
        Map<String, Boolean> existing = new LinkedHashMap<>(pg.physicalSlots());
        for (String slot : wanted) {
            if (!existing.containsKey(slot)) {
                pg.createPhysicalSlot(slot);
                LOG.info("created replication slot {}", slot);
            }
        }
        for (Map.Entry<String, Boolean> slot : existing.entrySet()) {
            if (!wanted.contains(slot.getKey()) && !slot.getValue() && !slot.getKey().equals(SlotNames.forMember(name))) {
                pg.dropSlot(slot.getKey());
                LOG.info("dropped replication slot {} of a member that is gone", slot.getKey());
            }
        }
    }

    private static long toLong(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
