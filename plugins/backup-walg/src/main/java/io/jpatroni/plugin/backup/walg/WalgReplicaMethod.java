package io.jpatroni.plugin.backup.walg;

import io.jpatroni.api.replica.support.ToolProcess;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pf4j.Extension;

/**
 * {@code create_replica_methods: [walg, ...]} with a typed {@code postgresql.walg} section: fetches the latest
 * (or {@code backup_name}) base backup; jpatroni then starts it as a standby streaming from the leader. The
 * repository holds the data, so {@code no_leader: true} may create a replica while the cluster has no leader.
 */
@Extension
public final class WalgReplicaMethod implements ReplicaMethod {

    static final String TOOL = "wal-g";
    static final String INSTALL_HINT = "install WAL-G, or set the section's binary to its path";

    static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "walg";
    }

    @Override
    public ReplicaResult create(ReplicaRequest request, Progress progress) throws InterruptedException {
        Optional<String> problem = WalgCommand.problem("postgresql.walg", request.options());
        if (problem.isPresent()) {
            return ReplicaResult.failure(problem.get());
        }
        if (!empty(request)) {
            // wal-g has no delta restore: it refuses to unpack over existing files
            return ReplicaResult.failure("wal-g backup-fetch needs an empty data directory: remove keep_data from"
                    + " postgresql.walg");
        }
        List<String> argv = WalgCommand.backupFetch(request.options(), request.dataDir());
        progress.report("fetching a base backup with WAL-G: " + String.join(" ", argv));
        return ToolProcess.run(TOOL, INSTALL_HINT, argv, WalgCommand.environment(request.options(), request.environment()), progress,
                REPORT_EVERY);
    }

    private static boolean empty(ReplicaRequest request) {
        try (Stream<?> entries = Files.list(request.dataDir())) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return !Files.exists(request.dataDir());
        }
    }
}
