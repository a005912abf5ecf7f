package io.jpatroni.core.loop;

import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaResult;
import io.jpatroni.core.config.BootstrapConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.methods.MethodCatalog;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new cluster created by {@code bootstrap.method: <name>} instead of initdb (ha-loop.md §3.3): the method fills the
 * data directory (a restore), the recovery settings are written or cleared, PostgreSQL starts and replays until
 * its recovery target, and only then does the node become the new cluster's primary. A failure is final (no
 * fallback to initdb: an empty cluster is not what the operator asked for).
 */
final class CustomBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(CustomBootstrap.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final long REPORT_EVERY_POLLS = 30;

    private final PatroniConfig config;
    private final PostgresNode pg;
    private final MethodCatalog methods;
    private final Sleeper sleeper;

    CustomBootstrap(PatroniConfig config, PostgresNode pg, MethodCatalog methods, Sleeper sleeper) {
        this.config = config;
        this.pg = pg;
        this.methods = methods;
        this.sleeper = sleeper;
    }

    /** Runs the method, then writes recovery_conf or removes the recovery files it left; false when it failed. */
    boolean createDataDirectory(BootstrapConfig bootstrap) throws PostgresException, InterruptedException {
        Map<String, Object> sections = Map.of(bootstrap.method(), bootstrap.methodSection());
        Optional<BootstrapMethod> method = methods.bootstrapMethod(bootstrap.method(), sections);
        if (method.isEmpty()) {
            LOG.error("bootstrap.method {} has no command and no plugin provides it", bootstrap.method());
            return false;
        }
        BootstrapRequest request = new BootstrapRequest(config.scope(), config.name(), config.postgresql().dataDir(),
                bootstrap.methodSection(), Map.of());
        ReplicaResult result = method.get().bootstrap(request, line -> LOG.info("{}", line));
        if (!result.succeeded()) {
            LOG.error("custom bootstrap {} failed: {}", bootstrap.method(), result.detail());
            return false;
        }
        if (bootstrap.methodRecoveryConf().isEmpty() && !bootstrap.keepExistingRecoveryConf()) {
            pg.removeRecoveryConfiguration();
        }
        return true;
    }

    /** First start: with recovery_conf as given, or keeping what the restore left, or as a plain primary. */
    boolean start(BootstrapConfig bootstrap, Duration timeout) throws PostgresException {
        if (!bootstrap.methodRecoveryConf().isEmpty()) {
            return pg.startRecovering(bootstrap.methodRecoveryConf(), timeout);
        }
        if (bootstrap.keepExistingRecoveryConf() && pg.recoveryConfigured()) {
            return pg.startKeepingRecovery(timeout);
        }
        return pg.start(Optional.empty(), false, timeout);
    }

    /**
     * "waiting for end of recovery after bootstrap": a point-in-time recovery may replay for hours; the node becomes
     * the primary only once PostgreSQL has promoted itself. Then postgresql.conf is rewritten without the recovery
     * settings. False when PostgreSQL stopped meanwhile (the bootstrap failed).
     */
    boolean awaitEndOfRecovery(BootstrapConfig bootstrap) throws PostgresException, InterruptedException {
        long polls = 0;
        while (true) {
            if (!pg.isRunning()) {
                LOG.error("postgres stopped during the recovery after the custom bootstrap, see {}", pg.startupLog());
                return false;
            }
            try {
                if (!pg.query().inRecovery()) {
                    break;
                }
            } catch (PostgresException e) {
                LOG.debug("recovery state not readable yet: {}", e.getMessage());
            }
            if (polls++ % REPORT_EVERY_POLLS == 0) {
                LOG.info("waiting for end of recovery after bootstrap");
            }
            sleeper.sleep(POLL);
        }
        if (!bootstrap.methodRecoveryConf().isEmpty() || bootstrap.keepExistingRecoveryConf()) {
            pg.reload(Optional.empty(), false);
        }
        return true;
    }
}
