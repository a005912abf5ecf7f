package io.jpatroni.core.ctl;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.config.ConfigException;
import io.jpatroni.core.config.ConfigLoader;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.plugins.CoreVersion;
import io.jpatroni.core.plugins.DcsFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** {@code jpatronictl}: reads the configuration like the daemon, talks to the DCS through the same plugins. */
public final class Jpatronictl {

    private Jpatronictl() {
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(new JpatronictlCommand(Jpatronictl::open).execute(args));
    }

    static ClusterSource open(Optional<Path> configFile) throws Exception {
        Map<String, String> env = System.getenv();
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(env.get("PATRONICTL_CONFIG_FILE")).map(Path::of));
        if (file.isPresent() && !file.get().toFile().exists()) {
            throw new IllegalArgumentException("Provided config file " + file.get()
                    + " not existing or no read rights. Check the -c/--config-file parameter");
        }
        PatroniConfig config;
        try {
            config = ConfigLoader.loadWithWarnings(file, env).config();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return new DcsClusterSource(config);
    }

    /** Reads one cluster per call through a DCS client for that scope, closed right after. */
    private record DcsClusterSource(PatroniConfig config) implements ClusterSource {

        @Override
        public ClusterView read(String clusterName) throws DcsException {
            DcsSettings settings = new DcsSettings(config.dcs().name(), config.dcs().options(), config.namespace(),
                    clusterName, config.name(), io.jpatroni.api.dcs.DcsTiming.DEFAULT);
            PluginContext context = new PluginContext(Clock.systemDefaultZone(), config.name(), clusterName,
                    CoreVersion.current());
            try (Dcs dcs = DcsFactory.open(settings, DcsFactory.defaultPluginsDirectory(), context)) {
                return ClusterView.decode(dcs.getCluster());
            }
        }

        @Override
        public String defaultScope() {
            return config.scope();
        }
    }

    private static void quietLogging() {
        var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
        context.getLogger("io.etcd").setLevel(ch.qos.logback.classic.Level.ERROR);
        context.getLogger("io.grpc").setLevel(ch.qos.logback.classic.Level.ERROR);
        // gRPC logs through java.util.logging, which prints INFO lines to stderr by default.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }
}
