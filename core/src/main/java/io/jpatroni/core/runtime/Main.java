package io.jpatroni.core.runtime;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.core.config.ConfigException;
import io.jpatroni.core.config.ConfigLoader;
import io.jpatroni.core.config.ConfigProblem;
import io.jpatroni.core.config.ConfigValidator;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.config.TlsFileChecks;
import io.jpatroni.core.loop.HaLoop;
import io.jpatroni.core.plugins.CoreVersion;
import io.jpatroni.core.plugins.DcsFactory;
import io.jpatroni.core.postgres.PostgresNode;
import io.jpatroni.core.rest.RestLimits;
import io.jpatroni.core.rest.RestServer;
import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TlsException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jpatroni [--validate-config] CONFIG}: the daemon's entry point and the only place that
 * exits the process.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /** Returned when a signal stopped the daemon: the JVM is already shutting down, exit must not be called. */
    static final int STOPPED_BY_SIGNAL = -1;

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != STOPPED_BY_SIGNAL) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        boolean validate = false;
        List<String> positional = new ArrayList<>();
        for (String arg : args) {
            switch (arg) {
                case "--validate-config" -> validate = true;
                case "--version" -> {
                    out.println("jpatroni " + CoreVersion.current());
                    return 0;
                }
                case "-h", "--help" -> {
                    out.println("usage: jpatroni [--validate-config] [--version] CONFIG");
                    return 0;
                }
                case "-i", "--ignore-listen-port", "-p", "--print" -> { }
                default -> {
                    if (arg.startsWith("-")) {
                        err.println("jpatroni: unknown option " + arg + " (usage: jpatroni [--validate-config] CONFIG)");
                        return 2;
                    }
                    positional.add(arg);
                }
            }
        }
        if (positional.size() > 1) {
            err.println("jpatroni: expected one configuration file or directory, got " + positional);
            return 2;
        }
        Optional<Path> file = positional.stream().findFirst().map(Path::of);
        if (file.isPresent() && !Files.exists(file.get())) {
            err.println("jpatroni: configuration file " + file.get() + " does not exist");
            return 1;
        }
        return validate ? validate(file, env, err) : daemon(file, env, err);
    }

    private static int validate(Optional<Path> file, Map<String, String> env, PrintStream err) {
        try {
            List<ConfigProblem> problems = ConfigValidator.validate(ConfigLoader.loadRaw(file, env));
            problems.forEach(p -> err.println(p));
            if (problems.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR)) {
                return 1;
            }
            // method names resolve only against the installed plugins: the same check as at start
            PatroniConfig config = ConfigLoader.load(file, env);
            List<io.jpatroni.api.replica.ReplicaMethod> replicaPlugins = List.of();
            List<io.jpatroni.api.bootstrap.BootstrapMethod> bootstrapPlugins = List.of();
            try {
                var loader = io.jpatroni.core.plugins.PluginLoader.forSelection(DcsFactory.defaultPluginsDirectory(),
                        CoreVersion.API, io.jpatroni.core.plugins.PluginSelection.forConfig(config.dcs().name(), config.raw()));
                replicaPlugins = loader.extensions(io.jpatroni.api.replica.ReplicaMethod.class);
                bootstrapPlugins = loader.extensions(io.jpatroni.api.bootstrap.BootstrapMethod.class);
            } catch (io.jpatroni.core.plugins.PluginLoadException e) {
                err.println("plugins not loaded: " + e.getMessage());
            }
            List<String> methodProblems = Daemon.methodProblems(config,
                    io.jpatroni.core.methods.MethodCatalog.forValidation(replicaPlugins, bootstrapPlugins));
            methodProblems.forEach(err::println);
            return methodProblems.isEmpty() ? 0 : 1;
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p));
            return 1;
        }
    }

    private static int daemon(Optional<Path> file, Map<String, String> env, PrintStream err) {
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.loadWithWarnings(file, env);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p));
            err.println("jpatroni: invalid configuration, not starting (run with --validate-config for details)");
            return 1;
        }
        PatroniConfig config = loaded.config();
        List<ConfigProblem> unusableFiles = TlsFileChecks.check(config);
        if (!unusableFiles.isEmpty()) {
            unusableFiles.forEach(p -> err.println(p));
            err.println("jpatroni: invalid configuration, not starting (run with --validate-config for details)");
            return 1;
        }
        Logging.configure(config.log());
        loaded.warnings().forEach(w -> LOG.warn("{}", w));
        try {
            return new Daemon(config, () -> ConfigLoader.load(file, env)).run();
        } catch (Daemon.StartupException e) {
            LOG.error(e.getMessage());
            return 1;
        }
    }

    /** The running daemon's parts and their start/stop order. */
    static final class Daemon {

        static final class StartupException extends Exception {
            StartupException(String message) {
                super(message);
            }
        }

        /** Re-reads patroni.yml with the environment captured at start (config.md §7). */
        @FunctionalInterface
        interface Reloader {
            PatroniConfig reload() throws ConfigException;
        }

        private final PatroniConfig config;
        private final Reloader reloader;
        private io.jpatroni.core.plugins.PluginLoader plugins;

        Daemon(PatroniConfig config, Reloader reloader) {
            this.config = config;
            this.reloader = reloader;
        }

        /** SIGHUP: re-read the file; an unreadable or invalid one is logged and the running configuration kept. */
        private void reload(HaLoop loop, RestServer rest) {
            try {
                PatroniConfig next = reloader.reload();
                if (next.equals(config)) {
                    LOG.info("No local configuration items changed.");
                }
                loop.reloadLocalConfiguration(next, PostgresSettingsMapper.from(next));
                reloadTls(rest, next);
            } catch (ConfigException e) {
                LOG.error("reload failed, keeping the running configuration: {}", e.getMessage());
            }
        }

        /** The REST certificate is re-read on every SIGHUP, so a rotated file is served without a restart. */
        private static void reloadTls(RestServer rest, PatroniConfig next) {
            try {
                Optional<ServerTls> fresh = next.restapi().tls().isEmpty() ? Optional.empty()
                        : Optional.of(next.restapi().tls().get().load());
                if (!rest.reloadTls(fresh)) {
                    LOG.warn("restapi TLS switched on or off, or verify_client/ciphers changed: restart jpatroni to"
                            + " apply it");
                } else if (fresh.isPresent()) {
                    LOG.info("Reloaded the REST API certificate and CA file");
                }
            } catch (TlsException e) {
                LOG.error("keeping the running REST API certificate: {}", e.getMessage());
            }
        }

        int run() throws StartupException {
            LOG.info("jpatroni {} starting: node {} of cluster {}", CoreVersion.current(), config.name(), config.scope());
            Clock clock = Clock.systemDefaultZone();
            List<io.jpatroni.api.callback.CallbackListener> listeners = callbackListeners(); // may refuse the start
            Optional<io.jpatroni.api.watchdog.WatchdogProvider> watchdog = watchdogProvider(config.watchdog());
            PostgresNode pg = new PostgresNode(PostgresSettingsMapper.from(config), clock, System::nanoTime);
            io.jpatroni.core.methods.MethodCatalog methods = HaLoop.methodCatalog(pg,
                    pluginExtensions(io.jpatroni.api.replica.ReplicaMethod.class),
                    pluginExtensions(io.jpatroni.api.bootstrap.BootstrapMethod.class));
            refuseUnknownMethods(methods);
            Dcs dcs = openDcs(clock);
            HaLoop loop = new HaLoop(config, dcs, pg, clock, System::nanoTime, d -> Thread.sleep(d.toMillis()),
                    listeners, watchdog, methods);
            FatalErrorGuard fatal = new FatalErrorGuard(cause -> {
                loop.fencePrimary("fatal error " + cause);
                loop.releaseLockAfterFatal(java.time.Duration.ofSeconds(5));
            }, status -> {
                Logging.flushAndStop();
                Runtime.getRuntime().halt(status);
            }).install();
            StartupChecks.refuseDuplicateName(config, dcs);
            Optional<ServerTls> tls;
            try {
                tls = config.restapi().tls().isEmpty() ? Optional.empty() : Optional.of(config.restapi().tls().get().load());
            } catch (TlsException e) {
                throw new StartupException(e.getMessage());
            }
            RestServer rest = new RestServer(config.restapi().listen().host(), config.restapi().listen().port(), loop.restView(),
                    config.restapi().authentication().map(a -> a.username() + ":" + a.password().orElse("")),
                    loop.operations(), tls, config.restapi().access());
            rest.limits(new RestLimits(config.restapi().requestQueueSize(), config.restapi().threadPoolSize()));
            try {
                rest.start();
            } catch (RuntimeException e) {
                throw new StartupException("could not start a service on " + config.restapi().listen()
                        + ", check restapi.listen: " + e.getMessage());
            }
            Shutdown shutdown = new Shutdown(loop);
            Runtime.getRuntime().addShutdownHook(new Thread(shutdown::requestAndAwait, "jpatroni-shutdown"));
            loop.setLocalConfigurationReader(() -> reload(loop, rest));
            Signals.onHangup(() -> {
                LOG.info("SIGHUP received: reloading patroni.yml");
                loop.requestReload();
            });
            int code = 0;
            try {
                loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("fatal: {}", e.getMessage());
                code = 1;
            } catch (Error e) {
                // The loop thread is gone and PostgreSQL may run as a primary nobody manages: the guard
                // stops it and halts the JVM; this thread only waits for that.
                fatal.onFatal(e);
                awaitHalt(fatal);
                throw e;
            } finally {
                // SIGTERM: stop PostgreSQL and hand the lock over. A fatal error leaves PostgreSQL alone.
                if (shutdown.requested()) {
                    loop.shutdown();
                }
                rest.stop();
                dcs.close();
                pg.close();
                LOG.info("jpatroni stopped");
                shutdown.done();
            }
            return shutdown.requested() ? STOPPED_BY_SIGNAL : code;
        }

        private static void awaitHalt(FatalErrorGuard fatal) {
            try {
                fatal.awaitHalt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * A replica or bootstrap method name that nothing implements would fail only when a replica is needed,
         * maybe months later: refuse it now, naming the key and the fix.
         */
        private void refuseUnknownMethods(io.jpatroni.core.methods.MethodCatalog methods) throws StartupException {
            List<String> problems = methodProblems(config, methods);
            if (!problems.isEmpty()) {
                throw new StartupException(String.join("; ", problems));
            }
        }

        static List<String> methodProblems(PatroniConfig config, io.jpatroni.core.methods.MethodCatalog methods) {
            return methods.problems(config.postgresql().createReplicaMethods(), config.postgresql().raw(),
                    config.bootstrap().map(b -> b.method()),
                    config.bootstrap().map(b -> java.util.Map.<String, Object>of(b.method(), b.methodSection()))
                            .orElse(java.util.Map.of()));
        }

        /** Replica and bootstrap methods from the plugins this configuration selects (pgBackRest, WAL-G, ...). */
        private <T> List<T> pluginExtensions(Class<T> type) {
            try {
                return selectedPlugins().extensions(type);
            } catch (io.jpatroni.core.plugins.PluginLoadException e) {
                LOG.warn("{} plugins not loaded: {}", type.getSimpleName(), e.getMessage());
                return List.of();
            }
        }

        /** The plugins this configuration selects, loaded once for callbacks, the watchdog and methods. */
        private io.jpatroni.core.plugins.PluginLoader selectedPlugins() throws io.jpatroni.core.plugins.PluginLoadException {
            if (plugins == null) {
                plugins = io.jpatroni.core.plugins.PluginLoader.forSelection(DcsFactory.defaultPluginsDirectory(),
                        CoreVersion.API, io.jpatroni.core.plugins.PluginSelection.forConfig(config.dcs().name(), config.raw()));
            }
            return plugins;
        }

        /**
         * The provider of {@code watchdog.driver}. Missing: a required watchdog refuses the start (Patroni exits
         * when the platform has none), an automatic one runs without and says so once.
         */
        private Optional<io.jpatroni.api.watchdog.WatchdogProvider> watchdogProvider(
                io.jpatroni.core.config.WatchdogConfig watchdog) throws StartupException {
            if (watchdog.mode() == io.jpatroni.core.config.WatchdogConfig.Mode.OFF) {
                return Optional.empty();
            }
            List<io.jpatroni.api.watchdog.WatchdogProvider> found;
            try {
                found = selectedPlugins().extensions(io.jpatroni.api.watchdog.WatchdogProvider.class);
            } catch (io.jpatroni.core.plugins.PluginLoadException e) {
                LOG.warn("watchdog plugins not loaded: {}", e.getMessage());
                found = List.of();
            }
            Optional<io.jpatroni.api.watchdog.WatchdogProvider> provider = found.stream()
                    .filter(p -> p.id().equals(watchdog.driver())).findFirst();
            if (provider.isEmpty()) {
                String what = "watchdog plugin not installed (no provider for watchdog.driver '" + watchdog.driver()
                        + "' in " + DcsFactory.defaultPluginsDirectory() + ")";
                if (watchdog.mode() == io.jpatroni.core.config.WatchdogConfig.Mode.REQUIRED) {
                    throw new StartupException("watchdog.mode is required but the " + what
                            + ": install the watchdog plugin zip, or set watchdog.mode to automatic or off");
                }
                LOG.warn("{}: running without a watchdog (watchdog.mode automatic; set it to off to silence this)", what);
            }
            return provider;
        }

        /**
         * Plugins that listen to callbacks (on_start, on_role_change, ...), among those the config
         * selects, each configured with its own keys; a listener refusing its settings stops the start.
         */
        private List<io.jpatroni.api.callback.CallbackListener> callbackListeners() throws StartupException {
            io.jpatroni.core.plugins.PluginLoader loader;
            try {
                loader = selectedPlugins();
            } catch (io.jpatroni.core.plugins.PluginLoadException e) {
                LOG.warn("callback plugins not loaded: {}", e.getMessage());
                return List.of();
            }
            List<io.jpatroni.api.callback.CallbackListener> listeners =
                    loader.extensions(io.jpatroni.api.callback.CallbackListener.class);
            for (io.jpatroni.api.callback.CallbackListener listener : listeners) {
                try {
                    listener.configure(loader.settingsFor(listener, config.raw()));
                } catch (RuntimeException e) {
                    throw new StartupException("plugin " + loader.pluginOf(listener).orElse("?") + " refused its"
                            + " configuration: " + e.getMessage());
                }
            }
            return listeners;
        }

        /** Patroni retries the first DCS contact forever, every 5 s. */
        private Dcs openDcs(Clock clock) throws StartupException {
            DcsTiming timing = StartupChecks.initialTiming(config);
            DcsSettings settings = new DcsSettings(config.dcs().name(), config.dcs().options(), config.namespace(),
                    config.scope(), config.name(), timing);
            Path plugins = DcsFactory.defaultPluginsDirectory();
            PluginContext context = new PluginContext(clock, config.name(), config.scope(), CoreVersion.API);
            while (true) {
                try {
                    Dcs dcs = DcsFactory.open(settings, plugins, context);
                    dcs.getCluster();
                    return dcs;
                } catch (DcsException e) {
                    if (e.getCause() == null && e.getMessage() != null && e.getMessage().contains("plugin")) {
                        throw new StartupException(e.getMessage());
                    }
                    LOG.warn("waiting on {}: {}", config.dcs().name(), e.getMessage());
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new StartupException("interrupted while waiting for the DCS");
                    }
                }
            }
        }

    }
}
