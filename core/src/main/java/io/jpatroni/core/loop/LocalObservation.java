package io.jpatroni.core.loop;

import io.jpatroni.core.postgres.LocalState;
import java.util.Optional;

/** One look at the local PostgreSQL at the start of an iteration. */
record LocalObservation(boolean dataDirEmpty, Optional<String> sysid, boolean running, Optional<LocalState> query) {

    boolean runningAsPrimary(String role) {
        if (!running) {
            return false;
        }
        return query.map(q -> !q.inRecovery()).orElse("primary".equals(role));
    }

    long walPosition() {
        return query.map(q -> q.inRecovery() ? Math.max(q.receiveLsn(), q.replayLsn()) : q.walPosition()).orElse(0L);
    }

    long timeline() {
        return query.map(LocalState::timeline).orElse(0L);
    }
}
