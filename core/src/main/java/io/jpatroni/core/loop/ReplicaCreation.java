package io.jpatroni.core.loop;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.methods.BasebackupReplicaMethod;
import io.jpatroni.core.methods.MethodCatalog;
import io.jpatroni.core.methods.MethodCommandLine;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.postgres.Upstream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates this node's data directory with the configured replica methods, in order, until one succeeds
 * (ha-loop.md §4.2). Runs on the async runner; an interrupt stops the running method.
 */
final class ReplicaCreation {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaCreation.class);

    private final Supplier<PatroniConfig> config;
    private final PostgresNode pg;
    private final MethodCatalog catalog;

    ReplicaCreation(Supplier<PatroniConfig> config, PostgresNode pg, MethodCatalog catalog) {
        this.config = config;
        this.pg = pg;
        this.catalog = catalog;
    }

    /** The configured method names, {@code [basebackup]} when none are. */
    List<String> methodNames() {
        List<String> names = config.get().postgresql().createReplicaMethods();
        return names.isEmpty() ? List.of(BasebackupReplicaMethod.NAME) : names;
    }

    /** Some configured method can create a replica with no leader to copy from (no_leader / no_master). */
    static boolean worksWithoutLeader(PatroniConfig config) {
        Map<String, Object> raw = config.postgresql().raw();
        return config.postgresql().createReplicaMethods().stream()
                .anyMatch(m -> !m.equals(BasebackupReplicaMethod.NAME)
                        && MethodCommandLine.worksWithoutLeader(MethodCatalog.section(raw, m)));
    }

    /**
     * @param source the member to copy from; empty: only the methods marked no_leader run, with an empty connstring
     * @return true when a method succeeded and the data directory holds a copy of the cluster
     */
    boolean create(Optional<Upstream> source) throws PostgresException, InterruptedException {
        PatroniConfig cfg = config.get();
        Map<String, Object> sections = cfg.postgresql().raw();
        List<String> names = methodNames();
        Optional<String> connstring = Optional.empty();
        Map<String, String> env = Map.of();
        if (source.isPresent()) {
            connstring = Optional.of(pg.cloneConnection(source.get()));
            env = pg.cloneEnvironment();
        } else {
            names = names.stream().filter(n -> !n.equals(BasebackupReplicaMethod.NAME)
                    && MethodCommandLine.worksWithoutLeader(MethodCatalog.section(sections, n))).toList();
        }
        for (String name : names) {
            Optional<ReplicaMethod> method = catalog.replicaMethod(name, sections);
            if (method.isEmpty()) {
                LOG.error("replica method {} is not defined (no plugin, no postgresql.{}.command): skipping it", name, name);
                continue;
            }
            Map<String, Object> options = MethodCatalog.section(sections, name);
            boolean builtIn = method.get() instanceof BasebackupReplicaMethod;
            boolean keepData = !builtIn && MethodCommandLine.keepData(options);
            if (!builtIn && !pg.dataDirectoryEmpty()) {
                if (keepData) {
                    LOG.info("Leaving data directory uncleaned");
                } else {
                    pg.emptyDataDirectory();
                }
            }
            LOG.info("creating a replica with {}{}", name, source.map(s -> " from " + s.memberName() + " ("
                    + s.host() + ":" + s.port() + ")").orElse(" without a leader"));
            ReplicaRequest request = new ReplicaRequest(cfg.scope(), cfg.name(), cfg.postgresql().dataDir(), "replica",
                    connstring, options, keepData, env);
            ReplicaResult result = method.get().create(request, line -> LOG.info("{}", line));
            if (result.succeeded()) {
                LOG.info("replica has been created using {}", name);
                return true;
            }
            LOG.error("Error creating replica using method {}: {}", name, result.detail());
            if (!builtIn && !keepData) {
                pg.emptyDataDirectory();
            }
        }
        return false;
    }
}
