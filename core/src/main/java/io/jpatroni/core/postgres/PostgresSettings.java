package io.jpatroni.core.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the PostgreSQL control layer needs from the effective configuration.
 *
 * @param configDir         where postgresql.conf (and pg_hba.conf/pg_ident.conf when configured) are written;
 *                          usually the data directory
 * @param binDir            directory of the PostgreSQL binaries; empty = search PATH, then the newest
 *                          /usr/lib/postgresql/N/bin
 * @param localHost         host for local connections (TCP), e.g. 127.0.0.1
 * @param pgHba             lines replacing pg_hba.conf; empty = keep the file initdb wrote
 * @param pgIdent           lines replacing pg_ident.conf; empty = keep initdb's
 * @param pgCtlTimeout      default start wait
 * @param recoveryConf      postgresql.recovery_conf (restore_command, ...)
 * @param basebackupArgs    rendered postgresql.basebackup options (e.g. {@code --max-rate=100M})
 */
public record PostgresSettings(Path dataDir, Path configDir, Optional<Path> binDir, String listenAddresses, int port,
                               String localHost, String scope, String memberName, PgCredentials superuser,
                               PgCredentials replication, PgCredentials rewind, Path pgpass,
                               Map<String, Object> dynamicParameters, Map<String, Object> localParameters,
                               List<String> pgHba, List<String> pgIdent, String database, Duration pgCtlTimeout,
                               Map<String, Object> recoveryConf, List<String> basebackupArgs, boolean useSlots) {
    public PostgresSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        configDir = configDir == null ? dataDir : configDir;
        binDir = binDir == null ? Optional.empty() : binDir;
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(memberName, "memberName");
        Objects.requireNonNull(superuser, "superuser");
        Objects.requireNonNull(replication, "replication");
        rewind = rewind == null ? superuser : rewind;
        Objects.requireNonNull(pgpass, "pgpass");
        dynamicParameters = unmodifiable(dynamicParameters);
        localParameters = unmodifiable(localParameters);
        pgHba = pgHba == null ? List.of() : List.copyOf(pgHba);
        pgIdent = pgIdent == null ? List.of() : List.copyOf(pgIdent);
        database = database == null || database.isEmpty() ? "postgres" : database;
        pgCtlTimeout = pgCtlTimeout == null ? Duration.ofSeconds(60) : pgCtlTimeout;
        recoveryConf = unmodifiable(recoveryConf);
        basebackupArgs = basebackupArgs == null ? List.of() : List.copyOf(basebackupArgs);
        localHost = localHost == null || localHost.isEmpty() ? "127.0.0.1" : localHost;
    }

    private static Map<String, Object> unmodifiable(Map<String, Object> m) {
        // LinkedHashMap copy: parameter values may legitimately be null in YAML; Map.copyOf would reject them
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The member's own conn_url target as seen from this host (for replication connections to itself). */
    public Upstream self() {
        return new Upstream(localHost, port, database, memberName);
    }
}
