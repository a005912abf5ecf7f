package io.jpatroni.core.postgres;

import java.util.Optional;

/** What the node was last configured to be: a primary, or a standby following an upstream (or none). */
record RecoveryTarget(boolean standby, Optional<Upstream> follow) {
    static final RecoveryTarget PRIMARY = new RecoveryTarget(false, Optional.empty());
}
