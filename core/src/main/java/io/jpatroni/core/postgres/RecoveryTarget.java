package io.jpatroni.core.postgres;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the node was last configured to be: a primary, or a standby following an upstream (or none).
 * {@code bootstrapRecovery} non-empty: the {@code recovery_conf} of a custom bootstrap method, written as given
 * (a point-in-time recovery that ends in promotion) instead of the standby settings.
 */
record RecoveryTarget(boolean standby, Optional<Upstream> follow, Map<String, Object> bootstrapRecovery) {
    static final RecoveryTarget PRIMARY = new RecoveryTarget(false, Optional.empty());

    RecoveryTarget {
        bootstrapRecovery = Collections.unmodifiableMap(new LinkedHashMap<>(bootstrapRecovery));
    }

    RecoveryTarget(boolean standby, Optional<Upstream> follow) {
        this(standby, follow, Map.of());
    }

    /** {@code standby_mode: on} in a bootstrap recovery_conf: standby.signal instead of recovery.signal. */
    boolean bootstrapStandbyMode() {
        Object v = bootstrapRecovery.get("standby_mode");
        return Boolean.TRUE.equals(v) || (v instanceof String s && (s.equalsIgnoreCase("on") || s.equalsIgnoreCase("true")));
    }
}
