package io.jpatroni.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The local {@code postgresql} section, typed. {@code parameters} holds only the local GUCs Patroni lets a
 * node set (the Patroni-controlled ones were dropped with a warning). {@code pgHba}/{@code pgIdent} empty
 * means "not set locally". {@code raw} is the section as written (after environment overrides), for
 * custom replica method sections and rarely used keys.
 */
public record PostgresqlConfig(String listenAddresses, int port, String localHost, HostPort connectAddress,
                               Path dataDir, Path configDir, Optional<Path> binDir, Path pgpass,
                               Credentials superuser, Credentials replication, Credentials rewind,
                               Map<String, Object> parameters, List<String> pgHba, List<String> pgIdent,
                               Optional<Boolean> usePgRewind, boolean removeDataDirectoryOnRewindFailure,
                               boolean removeDataDirectoryOnDivergedTimelines, List<String> createReplicaMethods,
                               List<String> basebackupArgs, Map<String, Object> recoveryConf,
                               Map<String, String> callbacks, Optional<String> prePromote,
                               Optional<String> beforeStop, int pgCtlTimeout, String database,
                               Map<String, Object> raw) {

    public PostgresqlConfig {
        Objects.requireNonNull(listenAddresses, "listenAddresses");
        Objects.requireNonNull(localHost, "localHost");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        configDir = configDir == null ? dataDir : configDir;
        Objects.requireNonNull(binDir, "binDir");
        Objects.requireNonNull(pgpass, "pgpass");
        Objects.requireNonNull(superuser, "superuser");
        Objects.requireNonNull(replication, "replication");
        rewind = rewind == null ? superuser : rewind;
        parameters = unmodifiable(parameters);
        pgHba = List.copyOf(pgHba);
        pgIdent = List.copyOf(pgIdent);
        Objects.requireNonNull(usePgRewind, "usePgRewind");
        createReplicaMethods = List.copyOf(createReplicaMethods);
        basebackupArgs = List.copyOf(basebackupArgs);
        recoveryConf = unmodifiable(recoveryConf);
        callbacks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(callbacks));
        Objects.requireNonNull(prePromote, "prePromote");
        Objects.requireNonNull(beforeStop, "beforeStop");
        Objects.requireNonNull(database, "database");
        raw = unmodifiable(raw);
    }

    private static Map<String, Object> unmodifiable(Map<String, Object> m) {
        return Frozen.map(m);
    }

    /** The section of a custom replica method ({@code postgresql.<method>}), if it is a map. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> methodSection(String method) {
        Object v = raw.get(method);
        return v instanceof Map<?, ?> ? Optional.of((Map<String, Object>) v) : Optional.empty();
    }

    /** {@code postgresql.proxy_address}, published as {@code proxy_url}. */
    public Optional<String> proxyAddress() {
        Object v = raw.get("proxy_address");
        return v == null ? Optional.empty() : Optional.of(ValueParsers.pythonStr(v));
    }

    /** {@code postgresql.bin_name.<program>}, else the program name itself. */
    public String binName(String program) {
        Object section = raw.get("bin_name");
        if (section instanceof Map<?, ?> m && m.get(program) instanceof String s && !s.isEmpty()) {
            return s;
        }
        return program;
    }

    @Override
    public String toString() {
        return "PostgresqlConfig[listen=" + listenAddresses + ":" + port + ", connectAddress=" + connectAddress
                + ", dataDir=" + dataDir + ", superuser=" + superuser + ", replication=" + replication
                + ", rewind=" + rewind + ", parameters=" + Secrets.mask(parameters) + ", raw=" + Secrets.mask(raw) + "]";
    }
}
