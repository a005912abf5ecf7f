package io.jpatroni.api.replica;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ReplicaMethod} is asked to do.
 *
 * @param scope       the cluster name ({@code scope} in patroni.yml)
 * @param nodeName    this member's name
 * @param dataDir     the data directory to fill; it exists and is empty unless {@code keepData} is set
 * @param role        the role the new copy will have: {@code replica} (or {@code standby_leader})
 * @param connstring  a libpq keyword connection string to the clone source with the replication user and no
 *                    password (the password is in the file {@code environment} names as {@code PGPASSFILE});
 *                    empty when the replica is created without a running leader ({@code no_leader})
 * @param options     the method's section from patroni.yml ({@code postgresql.<name>}) as written
 * @param keepData    {@code keep_data}: the data directory was not emptied and will not be on failure
 *                    (a delta restore can reuse what is there)
 * @param environment variables to add to any child process ({@code PGPASSFILE}, ...)
 */
public record ReplicaRequest(String scope, String nodeName, Path dataDir, String role, Optional<String> connstring,
                             Map<String, Object> options, boolean keepData, Map<String, String> environment) {

    public ReplicaRequest {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connstring, "connstring");
        // insertion order kept (it is the order of the command-line options); null values allowed, as YAML has them
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }
}
