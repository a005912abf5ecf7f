package io.jpatroni.plugin.backup.pgbackrest;

import io.jpatroni.api.replica.support.ToolProcess;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code create_replica_methods: [pgbackrest, ...]} with a typed {@code postgresql.pgbackrest} section: restores
 * the latest backup of the stanza as a standby. It needs no running leader to work (the repository holds the
 * data), so {@code no_leader: true} lets a replica be created while the cluster has none.
 */
@Extension
public final class PgBackRestReplicaMethod implements ReplicaMethod {

    static final String TOOL = "pgbackrest";
    static final String INSTALL_HINT = "install pgBackRest, or set the section's binary to its path";

    static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "pgbackrest";
    }

    @Override
    public ReplicaResult create(ReplicaRequest request, Progress progress) throws InterruptedException {
        List<String> argv = PgBackRestCommand.replica(request.options(), request.scope(), request.dataDir(),
                request.keepData());
        progress.report("restoring a standby from pgBackRest: " + String.join(" ", argv));
        return ToolProcess.run(TOOL, INSTALL_HINT, argv, request.environment(), progress, REPORT_EVERY);
    }
}
