package io.jpatroni.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Node tags. The booleans are the effective values: {@code nofailover} is true when the tag is truthy,
 * or, if it is absent, when {@code failover_priority} is configured ≤ 0 (likewise {@code nosync} with
 * {@code sync_priority}). {@code published} is what goes into the member key's {@code tags}: custom tags
 * verbatim, predefined booleans only when truthy (or when their priority tag is configured),
 * {@code replicatefrom} and the priorities (dcs.md §2.2).
 */
public record Tags(boolean nofailover, boolean noloadbalance, boolean clonefrom, boolean nosync,
                   Optional<String> replicatefrom, OptionalInt failoverPriority, Map<String, Object> published) {

    public static final Tags NONE = new Tags(false, false, false, false, Optional.empty(), OptionalInt.empty(), Map.of());

    public Tags {
        Objects.requireNonNull(replicatefrom, "replicatefrom");
        Objects.requireNonNull(failoverPriority, "failoverPriority");
        published = Frozen.map(published);
    }

    /** May this node take part in leader races and be a failover/switchover candidate? */
    public boolean allowsFailover() {
        return !nofailover;
    }

    /** {@code nostream}: do not stream WAL, rely on archive recovery. */
    public boolean nostream() {
        return ValueParsers.truthy(published.get("nostream"));
    }

    /** {@code sync_priority} if configured (≤ 0 acts like nosync). */
    public OptionalInt syncPriority() {
        Object v = published.get("sync_priority");
        return v instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    /** Failover priority used when comparing candidates: the configured one, else 1 (0 when nofailover). */
    public int effectiveFailoverPriority() {
        if (nofailover) {
            return 0;
        }
        return failoverPriority.orElse(1);
    }
}
