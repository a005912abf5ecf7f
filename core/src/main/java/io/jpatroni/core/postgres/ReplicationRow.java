package io.jpatroni.core.postgres;

import java.util.Optional;

/** One row of {@code pg_stat_replication} on a primary (LSNs in bytes, 0 when null). */
public record ReplicationRow(String usename, String applicationName, Optional<String> clientAddr, String state,
                             String syncState, int syncPriority, long flushLsn, long replayLsn, long writeLsn) {
}
