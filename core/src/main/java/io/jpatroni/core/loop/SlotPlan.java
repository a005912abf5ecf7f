package io.jpatroni.core.loop;

import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.ValueParsers;
import io.jpatroni.core.postgres.ExistingSlot;
import io.jpatroni.core.postgres.SlotNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which replication slots a node should have and what to change to get there (ha-loop.md §17.2,
 * §17.3). Pure: the callers read the snapshot and {@code pg_replication_slots} and carry out the
 * {@link Change}s.
 */
final class SlotPlan {

    private static final Pattern VALID_NAME = Pattern.compile("^[a-z0-9_]{1,63}$");

    private SlotPlan() {
    }

    /**
     * A slot the node wants.
     *
     * @param lsn          where a slot nobody streams from should be (status.slots, or a cascading member's position)
     * @param expectActive someone is expected to stream from it here, so it is not advanced by us
     */
    record Slot(String name, boolean logical, Optional<String> database, Optional<String> plugin,
                boolean permanent, boolean expectActive, OptionalLong lsn) {

        static Slot physical(String name, boolean permanent, boolean expectActive, OptionalLong lsn) {
            return new Slot(name, false, Optional.empty(), Optional.empty(), permanent, expectActive, lsn);
        }

        String type() {
            return logical ? "logical" : "physical";
        }
    }

    /** The desired slots by name, and the configuration errors met on the way (to be logged). */
    record Desired(Map<String, Slot> slots, List<String> errors) {
        Desired {
            slots = java.util.Collections.unmodifiableMap(new TreeMap<>(slots));
            errors = List.copyOf(errors);
        }

        boolean isPermanent(String name) {
            Slot s = slots.get(name);
            return s != null && s.permanent();
        }
    }

    /**
     * What a node reads to decide.
     *
     * @param me             my member name
     * @param primary        I hold the leader lock and run as primary
     * @param useSlots       dynamic {@code postgresql.use_slots}
     * @param members        the member keys of the snapshot
     * @param leader         the leader's member name, if any
     * @param retained       further member slot names to keep: members gone less than member_slots_ttl ago
     * @param keepAllMembers member_slots_ttl &gt; 0 (and PostgreSQL 11+): every member's slot, not only of those streaming from me
     * @param permanent      the dynamic {@code slots} section
     * @param standbyCluster a standby cluster is configured
     * @param statusSlots    {@code status.slots} of the snapshot
     */
    record Inputs(String me, boolean primary, boolean useSlots, List<MemberInfo> members, Optional<String> leader,
                  Collection<String> retained, boolean keepAllMembers, Map<String, Object> permanent,
                  boolean standbyCluster, Map<String, Long> statusSlots) {
    }

    /** One step towards the desired slots. */
    sealed interface Change {
        record Create(Slot slot) implements Change {
        }

        record Drop(ExistingSlot slot, String reason) implements Change {
        }

        record Advance(String name, long lsn) implements Change {
        }
    }

    static Desired desired(Inputs in) {
        Map<String, Slot> slots = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        if (!in.useSlots()) {
            return new Desired(slots, errors);
        }
        String mySlot = SlotNames.forMember(in.me());
        Optional<MemberInfo> myself = in.members().stream().filter(m -> m.name().equals(in.me())).findFirst();
        boolean nofailover = myself.map(MemberInfo::nofailover).orElse(false);
        Set<String> memberNames = new java.util.HashSet<>();
        in.members().forEach(m -> memberNames.add(m.name()));

        for (MemberInfo m : in.members()) {
            if (m.name().equals(in.me()) || nostream(m)) {
                continue;
            }
            Optional<String> upstream = m.replicatefrom();
            boolean fromMe = upstream.map(u -> u.equals(in.me())).orElse(false);
            boolean streamsFromMe = in.primary()
                    ? upstream.isEmpty() || fromMe || !memberNames.contains(upstream.get())
                    : fromMe && !in.leader().map(l -> l.equals(m.name())).orElse(false);
            boolean wanted = in.keepAllMembers() && (!nofailover || fromMe) || streamsFromMe;
            if (!wanted) {
                continue;
            }
            String name = SlotNames.forMember(m.name());
            if (slots.containsKey(name)) {
                errors.add("members share the replication slot name " + name + "; they get one slot");
                continue;
            }
            OptionalLong lsn = lookup(in.statusSlots(), name);
            if (upstream.isPresent() && m.xlogLocation().isPresent()) {
                lsn = max(lsn, m.xlogLocation());
            }
            slots.put(name, Slot.physical(name, false, streamsFromMe, lsn));
        }
        if (!nofailover || in.primary()) {
            for (String name : in.retained()) {
                if (!name.equals(mySlot) && !slots.containsKey(name)) {
                    slots.put(name, Slot.physical(name, false, false, lookup(in.statusSlots(), name)));
                }
            }
        }
        if (!nofailover) {
            permanent(in, mySlot, slots, errors);
        }
        return new Desired(slots, errors);
    }

    private static void permanent(Inputs in, String mySlot, Map<String, Slot> slots, List<String> errors) {
        for (Map.Entry<String, Object> e : in.permanent().entrySet()) {
            String name = e.getKey();
            if (!VALID_NAME.matcher(name).matches()) {
                errors.add("Invalid permanent replication slot name '" + name + "': must match ^[a-z0-9_]{1,63}$");
                continue;
            }
            Map<?, ?> spec = e.getValue() instanceof Map<?, ?> m ? m : Map.of();
            if (e.getValue() != null && !(e.getValue() instanceof Map<?, ?>)) {
                errors.add("Invalid permanent replication slot '" + name + "': expected a mapping or nothing");
                continue;
            }
            Optional<String> type = text(spec.get("type"));
            Optional<String> database = text(spec.get("database"));
            Optional<String> plugin = text(spec.get("plugin"));
            boolean logical = type.map("logical"::equals).orElse(database.isPresent() && plugin.isPresent());
            if (type.isPresent() && !type.get().equals("logical") && !type.get().equals("physical")) {
                errors.add("Invalid permanent replication slot '" + name + "': unknown type " + type.get());
                continue;
            }
            if (logical) {
                if (database.isEmpty() || plugin.isEmpty()) {
                    errors.add("Invalid permanent logical replication slot '" + name + "': database and plugin are required");
                    continue;
                }
                if (in.standbyCluster()) {
                    continue;
                }
            } else {
                Optional<String> clusterType = text(spec.get("cluster_type"));
                if (clusterType.isPresent() && clusterType.get().equals("primary") == in.standbyCluster()) {
                    continue;
                }
                if (name.equals(mySlot)) {
                    continue;
                }
            }
            boolean memberSlot = in.members().stream().anyMatch(m -> SlotNames.forMember(m.name()).equals(name));
            if (slots.containsKey(name) || memberSlot) {
                errors.add("Permanent replication slot '" + name + "' has the name of a member's slot; the member's slot is kept");
                continue;
            }
            OptionalLong lsn = lookup(in.statusSlots(), name);
            slots.put(name, logical
                    ? new Slot(name, true, database, plugin, true, in.primary(), lsn)
                    : Slot.physical(name, true, in.primary(), lsn));
        }
    }

    /**
     * The steps from {@code existing} to {@code desired}. Nothing in use is dropped, nothing at all
     * while paused, nothing {@code ignore_slots} matches. Logical slots are created on a primary
     * only; physical slots nobody is expected to stream from are advanced to their published
     * position, never past {@code limitLsn} (a replica's replay position, a primary's flush position).
     */
    static List<Change> changes(Desired desired, List<ExistingSlot> existing, List<Map<String, Object>> ignore,
                                boolean paused, boolean primary, long limitLsn) {
        List<Change> out = new ArrayList<>();
        Map<String, ExistingSlot> byName = new LinkedHashMap<>();
        for (ExistingSlot e : existing) {
            byName.put(e.name(), e);
            Slot d = desired.slots().get(e.name());
            boolean droppable = !e.active() && !paused && !ignored(e, ignore);
            if (d == null) {
                if (droppable) {
                    out.add(new Change.Drop(e, "not needed any more"));
                }
                continue;
            }
            if (d.logical() && !primary) {
                // A replica cannot advance a logical slot (PostgreSQL < 16 decodes on the primary only):
                // kept, the one a demoted primary created would hold WAL back until the disk fills.
                // The primary it may become creates it again.
                if (droppable) {
                    out.add(new Change.Drop(e, "a replica cannot advance a logical slot"));
                }
                continue;
            }
            String mismatch = differs(d, e);
            if (mismatch != null || e.lost() || !d.logical() && !d.expectActive() && e.restartLsn().isEmpty()) {
                if (droppable) {
                    out.add(new Change.Drop(e, mismatch != null ? mismatch
                            : e.lost() ? "the WAL it needs is lost" : "it reserves no WAL"));
                    if (!d.logical() || primary) {
                        out.add(new Change.Create(d));
                    }
                }
                continue;
            }
            if (!d.logical() && !d.expectActive() && !e.active() && d.lsn().isPresent() && e.restartLsn().isPresent()) {
                long target = Math.min(d.lsn().getAsLong(), limitLsn);
                if (target > e.restartLsn().getAsLong()) {
                    out.add(new Change.Advance(e.name(), target));
                }
            }
        }
        for (Slot d : desired.slots().values()) {
            if (!byName.containsKey(d.name()) && (!d.logical() || primary)) {
                out.add(new Change.Create(d));
            }
        }
        return out;
    }

    /** {@code ignore_slots}: the slot matches every attribute a matcher names, for some matcher. */
    static boolean ignored(ExistingSlot slot, List<Map<String, Object>> ignore) {
        for (Map<String, Object> matcher : ignore) {
            if (attributeMatches(matcher, "name", Optional.of(slot.name()))
                    && attributeMatches(matcher, "type", Optional.of(slot.type()))
                    && attributeMatches(matcher, "database", slot.database())
                    && attributeMatches(matcher, "plugin", slot.plugin())) {
                return true;
            }
        }
        return false;
    }

    private static boolean attributeMatches(Map<String, Object> matcher, String key, Optional<String> actual) {
        Object wanted = matcher.get(key);
        return wanted == null || actual.map(a -> a.equals(String.valueOf(wanted))).orElse(false);
    }

    private static String differs(Slot d, ExistingSlot e) {
        if (!d.type().equals(e.type())) {
            return "it is " + e.type() + ", " + d.type() + " is configured";
        }
        if (d.logical() && !(d.database().equals(e.database()) && d.plugin().equals(e.plugin()))) {
            return "its database or plugin differ from the configuration";
        }
        return null;
    }

    private static boolean nostream(MemberInfo m) {
        return ValueParsers.boolish(m.tags().get("nostream")).orElse(false);
    }

    private static OptionalLong lookup(Map<String, Long> status, String name) {
        Long v = status.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalLong max(OptionalLong a, OptionalLong b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : OptionalLong.of(Math.max(a.getAsLong(), b.getAsLong()));
    }

    private static Optional<String> text(Object o) {
        return Optional.ofNullable(o).map(Objects::toString).filter(s -> !s.isEmpty());
    }
}
