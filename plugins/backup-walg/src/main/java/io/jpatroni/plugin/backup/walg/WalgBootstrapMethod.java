package io.jpatroni.plugin.backup.walg;

import io.jpatroni.api.replica.support.ToolProcess;
import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code bootstrap.method: walg}: a new cluster from a WAL-G base backup, replayed by {@code recovery_conf}
 * (restore_command: {@code wal-g wal-fetch %f %p}, and a recovery_target_* with recovery_target_action: promote for
 * a point in time), which jpatroni writes when it first starts PostgreSQL, as for any Patroni custom bootstrap.
 */
@Extension
public final class WalgBootstrapMethod implements BootstrapMethod {

    @Override
    public String name() {
        return "walg";
    }

    @Override
    public ReplicaResult bootstrap(BootstrapRequest request, ReplicaMethod.Progress progress) throws InterruptedException {
        Map<String, Object> options = request.options();
        Optional<String> problem = WalgCommand.problem("bootstrap.walg", options);
        if (problem.isPresent()) {
            return ReplicaResult.failure(problem.get());
        }
        if (!(options.get("recovery_conf") instanceof Map<?, ?> rc && rc.get("restore_command") != null)) {
            // backup-fetch writes no recovery settings: without a restore_command nothing would replay the WAL
            return ReplicaResult.failure("bootstrap.walg needs recovery_conf.restore_command, e.g. 'wal-g wal-fetch %f %p'"
                    + " (and recovery_target_time with recovery_target_action: promote for a point in time)");
        }
        List<String> argv = WalgCommand.backupFetch(options, request.dataDir());
        progress.report("fetching a new cluster's base backup with WAL-G: " + String.join(" ", argv));
        return ToolProcess.run(WalgReplicaMethod.TOOL, WalgReplicaMethod.INSTALL_HINT, argv, WalgCommand.environment(options, request.environment()), progress,
                WalgReplicaMethod.REPORT_EVERY);
    }
}
