package io.jpatroni.plugin.backup.pgbackrest;

import io.jpatroni.api.replica.support.ToolProcess;
import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * {@code bootstrap.method: pgbackrest} with a typed {@code bootstrap.pgbackrest} section: a new cluster restored
 * from a pgBackRest repository, to the end of the archive or to a point in time ({@code type: time},
 * {@code target: ...}). The recovery itself is configured by {@code recovery_conf} as in any Patroni custom
 * bootstrap (restore_command, recovery_target_*, recovery_target_action: promote): jpatroni writes those settings
 * when it first starts PostgreSQL and replaces the ones pgbackrest left in postgresql.auto.conf.
 */
@Extension
public final class PgBackRestBootstrapMethod implements BootstrapMethod {

    @Override
    public String name() {
        return "pgbackrest";
    }

    @Override
    public ReplicaResult bootstrap(BootstrapRequest request, ReplicaMethod.Progress progress) throws InterruptedException {
        Map<String, Object> options = request.options();
        if (!(options.get("recovery_conf") instanceof Map<?, ?> rc && !rc.isEmpty())
                && !PgBackRestCommand.truthy(options.getOrDefault("keep_existing_recovery_conf", false))) {
            // without either, the restored data would start with no restore_command and no WAL to replay
            return ReplicaResult.failure("bootstrap.pgbackrest needs recovery_conf (at least restore_command:"
                    + " 'pgbackrest --stanza=" + options.getOrDefault("stanza", request.scope())
                    + " archive-get %f \"%p\"', and recovery_target_time/recovery_target_action: promote for a"
                    + " point in time) or keep_existing_recovery_conf: true");
        }
        try {
            if (!Files.isDirectory(request.dataDir())) {
                Files.createDirectories(request.dataDir(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            return ReplicaResult.failure("could not create the data directory " + request.dataDir() + ": " + e.getMessage());
        }
        List<String> argv = PgBackRestCommand.bootstrap(options, request.scope(), request.dataDir());
        progress.report("restoring a new cluster from pgBackRest: " + String.join(" ", argv));
        return ToolProcess.run(PgBackRestReplicaMethod.TOOL, PgBackRestReplicaMethod.INSTALL_HINT, argv, request.environment(), progress, PgBackRestReplicaMethod.REPORT_EVERY);
    }
}
