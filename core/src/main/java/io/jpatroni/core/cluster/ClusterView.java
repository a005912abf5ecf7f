package io.jpatroni.core.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.StoredValue;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The typed view of one {@link Cluster} snapshot, decoded once per loop with Patroni's tolerant
 * rules (dcs.md §1.1): garbage in a value never throws.
 */
public record ClusterView(Cluster raw,
                          Optional<String> initialize,
                          Optional<Leader> leader,
                          List<MemberInfo> members,
                          Map<String, Object> config,
                          long configModifyVersion,
                          long statusOptime,
                          Map<String, Long> statusSlots,
                          SyncInfo sync,
                          Optional<FailoverRequest> failover,
                          Optional<List<List<Object>>> history) {

    /** The {@code sync} key: the leader that owns it and its synchronous standbys. */
    public record SyncInfo(Optional<String> leader, List<String> standbys, int quorum, OptionalLong version) {
        static final SyncInfo EMPTY = new SyncInfo(Optional.empty(), List.of(), 0, OptionalLong.empty());

        public boolean isActive() {
            return leader.isPresent();
        }

        /** Case-insensitive, as PostgreSQL compares synchronous_standby_names. */
        public boolean matches(String name, boolean includeLeader) {
            if (includeLeader && leader.map(l -> l.equalsIgnoreCase(name)).orElse(false)) {
                return true;
            }
            return standbys.stream().anyMatch(s -> s.equalsIgnoreCase(name));
        }
    }

    /** A pending switchover ({@code leader} set) or failover request. */
    public record FailoverRequest(Optional<String> leader, Optional<String> candidate,
                                  Optional<OffsetDateTime> scheduledAt, long version) {
    }

    public static ClusterView decode(Cluster cluster) {
        List<MemberInfo> members = cluster.members().stream().map(MemberInfo::decode).toList();
        Map<String, Object> config = Map.of();
        long configVersion = 0;
        if (cluster.config().isPresent()) {
            JsonNode json = Json.parse(cluster.config().get().value());
            if (json.isObject()) {
                config = Json.toMap(json);
                configVersion = cluster.config().get().modifyVersion();
            }
        }
        long optime = 0;
        Map<String, Long> slots = Map.of();
        if (cluster.status().isPresent()) {
            JsonNode status = Json.parse(cluster.status().get().value());
            if (status.isIntegralNumber()) {
                optime = status.asLong();
            } else if (status.isObject()) {
                optime = MemberInfo.number(status, "optime").orElse(0);
                JsonNode s = status.get("slots");
                if (s != null && s.isTextual()) {
                    s = Json.parse(s.asText());
                }
                if (s != null && s.isObject()) {
                    Map<String, Long> parsed = new java.util.TreeMap<>();
                    s.fields().forEachRemaining(e -> {
                        if (e.getValue().canConvertToLong()) {
                            parsed.put(e.getKey(), e.getValue().asLong());
                        }
                    });
                    slots = parsed;
                }
            }
        }
        return new ClusterView(cluster,
                cluster.initialize().map(StoredValue::value),
                cluster.leader(),
                members,
                config,
                configVersion,
                optime,
                slots,
                decodeSync(cluster.sync()),
                cluster.failover().flatMap(ClusterView::decodeFailover),
                cluster.history().map(h -> decodeHistory(h.value())));
    }

    private static SyncInfo decodeSync(Optional<StoredValue> stored) {
        if (stored.isEmpty()) {
            return SyncInfo.EMPTY;
        }
        JsonNode json = Json.parse(stored.get().value());
        OptionalLong version = OptionalLong.of(stored.get().version());
        String leader = MemberInfo.text(json, "leader", "");
        if (!json.isObject() || leader.isEmpty()) {
            return new SyncInfo(Optional.empty(), List.of(), 0, version);
        }
        String standbys = MemberInfo.text(json, "sync_standby", "");
        List<String> names = standbys.isEmpty() ? List.of()
                : Arrays.stream(standbys.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        int quorum = (int) MemberInfo.number(json, "quorum").orElse(0);
        return new SyncInfo(Optional.of(leader), names, quorum, version);
    }

    private static Optional<FailoverRequest> decodeFailover(StoredValue stored) {
        JsonNode json = Json.parse(stored.value());
        Optional<String> leader;
        Optional<String> candidate;
        Optional<OffsetDateTime> scheduled = Optional.empty();
        if (json.isObject()) {
            leader = nonEmpty(MemberInfo.text(json, "leader", ""));
            candidate = nonEmpty(MemberInfo.text(json, "member", ""));
            String at = MemberInfo.text(json, "scheduled_at", "");
            if (!at.isEmpty()) {
                try {
                    scheduled = Optional.of(OffsetDateTime.parse(at.replace(' ', 'T')));
                } catch (DateTimeParseException e) {
                    scheduled = Optional.empty();
                }
            }
        } else if (stored.value() != null && stored.value().contains(":")) {
            String[] parts = stored.value().split(":", 2);
            leader = nonEmpty(parts[0].trim());
            candidate = nonEmpty(parts[1].trim());
        } else {
            return Optional.empty();
        }
        if (leader.isEmpty() && candidate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverRequest(leader, candidate, scheduled, stored.version()));
    }

    private static List<List<Object>> decodeHistory(String value) {
        JsonNode json = Json.parse(value);
        List<List<Object>> lines = new ArrayList<>();
        if (json.isArray()) {
            for (JsonNode line : json) {
                if (line.isArray()) {
                    lines.add(Json.MAPPER.convertValue(line, List.class));
                }
            }
        }
        return lines;
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    public boolean isUnlocked() {
        return leader.isEmpty();
    }

    public Optional<String> leaderName() {
        return leader.map(Leader::name);
    }

    public Optional<MemberInfo> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Optional<MemberInfo> leaderMember() {
        return leaderName().flatMap(this::member);
    }

    /** A valid system identifier: at least 10 characters, all digits (dcs.md §2.4). */
    public static boolean isValidSysid(String value) {
        return value != null && value.length() >= 10 && value.chars().allMatch(Character::isDigit);
    }

    /**
     * The cluster's timeline from {@code history}: 0 when unknown, 1 for {@code []}, otherwise the
     * last line's parent timeline + 1.
     */
    public long timeline() {
        if (raw.history().isEmpty()) {
            return 0;
        }
        JsonNode json = Json.parse(raw.history().get().value());
        if (!json.isArray()) {
            return 0;
        }
        if (json.isEmpty()) {
            return 1;
        }
        JsonNode last = json.get(json.size() - 1);
        if (last.isArray() && !last.isEmpty() && last.get(0).canConvertToLong()) {
            return last.get(0).asLong() + 1;
        }
        return 0;
    }
}
