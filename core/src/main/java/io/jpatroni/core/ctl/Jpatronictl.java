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
import java.util.OptionalLong;
import io.jpatroni.core.config.ClientTlsConfig;
import io.jpatroni.core.tls.TlsException;

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

    /** One DCS client per call for that scope, closed right after; REST calls authenticated as the config says. */
    private record DcsClusterSource(PatroniConfig config) implements ClusterAdmin {

        @Override
        public ClusterView read(String clusterName) throws DcsException {
            try (Dcs dcs = open(clusterName)) {
                return ClusterView.decode(dcs.getCluster());
            }
        }

        @Override
        public boolean writeConfig(String clusterName, String json, OptionalLong version) throws DcsException {
            try (Dcs dcs = open(clusterName)) {
                return dcs.setConfigValue(json, version);
            }
        }

        @Override
        public boolean writeFailover(String clusterName, String json, OptionalLong version) throws DcsException {
            try (Dcs dcs = open(clusterName)) {
                return dcs.setFailoverValue(json, version);
            }
        }

        @Override
        public boolean deleteCluster(String clusterName) throws DcsException {
            try (Dcs dcs = open(clusterName)) {
                return dcs.deleteCluster();
            }
        }

        @Override
        public MemberApi memberApi() {
            return memberApi(false);
        }

        /** HTTPS as rest-api.md §2.4 says: ctl.cacert/ctl.certfile (else the restapi ones), verified unless insecure. */
        @Override
        public MemberApi memberApi(boolean insecure) {
            try {
                return new HttpMemberApi(restCredentials(config),
                        ClientTlsConfig.of(config).insecure(insecure).sslContext());
            } catch (TlsException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }

        private Dcs open(String clusterName) throws DcsException {
            DcsSettings settings = new DcsSettings(config.dcs().name(), config.dcs().options(), config.namespace(),
                    clusterName, config.name(), io.jpatroni.api.dcs.DcsTiming.DEFAULT);
            PluginContext context = new PluginContext(Clock.systemDefaultZone(), config.name(), clusterName,
                    CoreVersion.API);
            return DcsFactory.open(settings, DcsFactory.defaultPluginsDirectory(), context);
        }

        @Override
        public String defaultScope() {
            return config.scope();
        }
    }

    /**
     * {@code username:password} for the members' REST APIs: {@code ctl.authentication}, else 3.x's
     * {@code ctl.auth} text, else {@code restapi.authentication} (patronictl.md §1.3).
     */
    static Optional<String> restCredentials(PatroniConfig config) {
        Map<String, Object> ctl = config.section("ctl");
        if (ctl.get("authentication") instanceof Map<?, ?> auth && auth.get("username") != null) {
            return Optional.of(auth.get("username") + ":" + (auth.get("password") == null ? "" : auth.get("password")));
        }
        if (ctl.get("auth") instanceof String auth && auth.contains(":")) {
            return Optional.of(auth);
        }
        return config.restapi().authentication().map(c -> c.username() + ":" + c.password().orElse(""));
    }

    /** patronictl's log format, on stderr only: stdout carries the command's output and nothing else. */
    private static void quietLogging() {
        var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.reset();
        var encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{\"yyyy-MM-dd HH:mm:ss,SSS\"} - %level - %msg%n");
        encoder.start();
        var stderr = new ch.qos.logback.core.ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        stderr.setContext(context);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(stderr);
        root.setLevel(ch.qos.logback.classic.Level.WARN);
        String level = System.getenv("LOGLEVEL");
        if (level != null) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.WARN));
        }
        // The plugins' start-up notes (e.g. "etcd: served through the v3 API") are for the daemon's log.
        context.getLogger("io.jpatroni.plugin").setLevel(ch.qos.logback.classic.Level.ERROR);
        context.getLogger("io.etcd").setLevel(ch.qos.logback.classic.Level.ERROR);
        context.getLogger("io.grpc").setLevel(ch.qos.logback.classic.Level.ERROR);
        // gRPC logs through java.util.logging, which prints INFO lines to stderr by default.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }
}
