package io.jpatroni.core.config;

import io.jpatroni.core.tls.ServerTls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the merged raw configuration into {@link PatroniConfig}, collecting every problem on the way.
 * The same walk serves {@code --validate-config} (problems only) and start-up (config, or errors).
 */
final class ConfigBinder {

    record Result(Optional<PatroniConfig> config, List<ConfigProblem> problems) {
    }

    static final Set<String> TOP_LEVEL = Set.of("name", "scope", "namespace", "thread_pool_size", "thread_stack_size",
            "log", "restapi", "ctl", "citus", "consul", "etcd", "etcd3", "exhibitor", "kubernetes", "raft", "zookeeper",
            "bootstrap", "postgresql", "watchdog", "tags");

    /** Keys of the dynamic configuration (config.md §4); seen at top level they are ignored. */
    static final Set<String> DYNAMIC_KEYS = Set.of("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover",
            "maximum_lag_on_syncnode", "max_timelines_history", "primary_start_timeout", "primary_stop_timeout",
            "master_start_timeout", "master_stop_timeout", "synchronous_mode", "synchronous_mode_strict",
            "synchronous_node_count", "failsafe_mode", "check_timeline", "pause", "member_slots_ttl", "slots",
            "permanent_slots", "permanent_replication_slots", "ignore_slots", "standby_cluster", "postgresql");

    /** Parameters only Patroni (through dynamic configuration) may set (config.md §4.4). */
    static final List<String> CONTROLLED_PARAMETERS = List.of("listen_addresses", "port", "cluster_name", "hot_standby",
            "wal_level", "max_connections", "max_wal_senders", "max_replication_slots", "max_worker_processes",
            "max_prepared_transactions", "max_locks_per_transaction", "track_commit_timestamp", "wal_log_hints",
            "wal_keep_segments", "wal_keep_size");

    static final Set<String> LOCAL_ONLY_POSTGRESQL = Set.of("connect_address", "proxy_address", "listen", "config_dir",
            "data_dir", "pgpass", "authentication");

    private static final Set<String> RESTAPI_KEYS = Set.of("listen", "connect_address", "authentication", "certfile",
            "keyfile", "keyfile_password", "cafile", "ciphers", "verify_client", "allowlist", "allowlist_include_members",
            "http_extra_headers", "https_extra_headers", "request_queue_size", "thread_pool_size", "server_tokens");
    /** Patroni sets no upper bound; each REST thread costs a stack, and 5 serve a busy cluster. */
    private static final int MAX_REST_THREADS = 256;
    private static final Set<String> CTL_KEYS = Set.of("authentication", "insecure", "cacert", "certfile", "keyfile",
            "keyfile_password");
    private static final Set<String> LOG_KEYS = Set.of("type", "level", "traceback_level", "format", "dateformat",
            "static_fields", "max_queue_size", "dir", "mode", "file_num", "file_size", "loggers",
            "deduplicate_heartbeat_logs");
    /** Patroni's default plain format: accepted, since it is what jpatroni writes anyway. */
    private static final String DEFAULT_LOG_FORMAT = "%(asctime)s %(levelname)s: %(message)s";
    private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL");
    private static final Set<String> WATCHDOG_KEYS = Set.of("mode", "device", "safety_margin", "driver");
    private static final Set<String> ETCD_KEYS = Set.of("host", "hosts", "url", "proxy", "srv", "srv_suffix", "protocol",
            "use_proxies", "username", "password", "cacert", "cert", "key", "namespace");
    private static final Set<String> ZOOKEEPER_KEYS = Set.of("hosts", "use_ssl", "cacert", "cert", "key", "key_password",
            "verify", "set_acls", "auth_data", "exhibitor");
    private static final Set<String> CONSUL_KEYS = Set.of("host", "url", "port", "scheme", "token", "verify", "cacert",
            "cert", "key", "dc", "consistency", "checks", "register_service", "service_tags", "service_check_interval",
            "service_check_tls_server_name");
    private static final Set<String> BOOTSTRAP_KEYS = Set.of("dcs", "method", "initdb", "pg_hba", "users",
            "post_bootstrap", "post_init");
    private static final Set<String> POSTGRESQL_KEYS = Set.of("listen", "connect_address", "proxy_address", "data_dir",
            "config_dir", "bin_dir", "bin_name", "pgpass", "authentication", "parameters", "pg_hba", "pg_ident",
            "pg_ctl_timeout", "use_pg_rewind", "remove_data_directory_on_rewind_failure",
            "remove_data_directory_on_diverged_timelines", "create_replica_methods", "create_replica_method",
            "basebackup", "recovery_conf", "custom_conf", "callbacks", "pre_promote", "before_stop", "use_unix_socket",
            "use_unix_socket_repl", "use_slots", "database", "config_base_name", "name", "scope", "retry_timeout",
            "superuser", "replication", "pg_rewind");
    private static final Set<String> BIN_NAMES = Set.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres",
            "pg_isready", "pg_rewind");
    private static final Set<String> CALLBACKS = Set.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change");
    private static final Set<String> PREDEFINED_BOOL_TAGS = Set.of("clonefrom", "nofailover", "noloadbalance", "nosync",
            "nostream");

    private final Map<String, Object> raw;
    private final Problems p = new Problems();
    private final InstalledPlugins plugins;

    private ConfigBinder(Map<String, Object> raw, InstalledPlugins plugins) {
        this.raw = raw;
        this.plugins = plugins;
    }

    /** Binds with the plugins of the daemon's plugins directory (they may serve more DCS sections). */
    static Result bind(Map<String, Object> raw) {
        return bind(raw, InstalledPlugins.inDefaultDirectory());
    }

    static Result bind(Map<String, Object> raw, InstalledPlugins plugins) {
        ConfigBinder b = new ConfigBinder(raw == null ? Map.of() : raw, plugins);
        Optional<PatroniConfig> config = Optional.ofNullable(b.bindAll());
        return new Result(b.p.hasErrors() ? Optional.empty() : config, b.p.list());
    }

    // ---------------------------------------------------------------- top level

    private PatroniConfig bindAll() {
        if (raw.isEmpty()) {
            p.error("", "Config is empty.");
            return null;
        }
        Map<String, Object> pgSection = section(raw, "postgresql", "postgresql", true);

        String name = string(raw, "name", "name").orElse(null);
        if (name == null && pgSection != null && pgSection.get("name") != null) {
            name = string(pgSection, "name", "postgresql.name").orElse(null); // legacy layout
        }
        if (name == null) {
            p.error("name", "is not defined. Give the member a unique name, e.g. name: node1");
        }
        String scope = string(raw, "scope", "scope").orElse(null);
        if (scope == null) {
            p.error("scope", "is not defined. Give the cluster a name, e.g. scope: batman");
        }
        String namespace = string(raw, "namespace", "namespace").orElse("/service");
        dcsKeyPart("name", name);
        dcsKeyPart("scope", scope);
        if (namespace.contains("..") || !ConfText.isSingleLine(namespace)) {
            p.error("namespace", namespace, "must not contain '..' or line breaks: it is the prefix of every DCS key"
                    + " (e.g. namespace: /service)");
        }
        topLevelKeys();

        RestApiConfig restapi = restapi();
        DcsSection dcs = dcs();
        Optional<BootstrapConfig> bootstrap = bootstrap();
        PostgresqlConfig postgresql = pgSection == null ? null : postgresql(pgSection);
        WatchdogConfig watchdog = watchdog();
        Tags tags = tags();
        LogConfig log = log();
        ctl();
        citus();

        if (p.hasErrors()) {
            return null;
        }
        return new PatroniConfig(name, scope, namespace, restapi, dcs, bootstrap, postgresql, watchdog, tags, log, raw);
    }

    /**
     * The member name and the scope become DCS keys ({@code /service/<scope>/members/<name>}) and file names:
     * a '/' or '..' would let a node write over another cluster's or member's keys.
     */
    private void dcsKeyPart(String path, String value) {
        if (value == null) {
            return;
        }
        String fix = "; use letters, digits, '-', '_' or '.' (e.g. " + (path.equals("name") ? "node1" : "batman") + ")";
        if (value.isEmpty()) {
            p.error(path, value, "is an empty string" + fix);
        } else if (value.contains("/") || value.contains("..")) {
            p.error(path, value, "must not contain '/' or '..': it is part of DCS keys and file names" + fix);
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            p.error(path, value, "must not contain control characters (line breaks, tabs, NUL)" + fix);
        } else if (!value.strip().equals(value)) {
            p.error(path, value, "has leading or trailing whitespace" + fix);
        }
    }

    private void topLevelKeys() {
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String key = e.getKey();
            if (TOP_LEVEL.contains(key) || plugins.topLevelKeys().contains(key)) {
                continue; // a plugin's section: the plugin checks it
            }
            if (DYNAMIC_KEYS.contains(key)) {
                p.warn(key, e.getValue(), "ignored: " + key + " is dynamic configuration; set it in bootstrap.dcs"
                        + " (new cluster) or with patronictl edit-config");
            } else if (POSTGRESQL_KEYS.contains(key) || BOOTSTRAP_KEYS.contains(key)) {
                p.warn(key, e.getValue(), "unknown key at the top level, ignored (did you mean "
                        + (POSTGRESQL_KEYS.contains(key) ? "postgresql." : "bootstrap.") + key + "?)");
            } else {
                p.warn(key, e.getValue(), "unknown key, ignored");
            }
        }
    }

    // ---------------------------------------------------------------- restapi

    private RestApiConfig restapi() {
        Map<String, Object> s = section(raw, "restapi", "restapi", true);
        if (s == null) {
            return null;
        }
        unknownKeys(s, "restapi", RESTAPI_KEYS);
        HostPort listen = null;
        Optional<String> listenText = string(s, "listen", "restapi.listen");
        if (listenText.isEmpty()) {
            if (!s.containsKey("listen") || s.get("listen") == null) {
                p.error("restapi.listen", "is not defined. Add e.g. listen: 0.0.0.0:8008");
            }
        } else {
            listen = hostPort(listenText.get(), s.get("listen"), "restapi.listen");
        }
        HostPort connect = null;
        if (s.get("connect_address") == null) {
            p.warn("restapi.connect_address", "is not defined; other members and clients will be told restapi.listen"
                    + (listen != null ? " (" + listen + ")" : ""));
        } else {
            Optional<String> text = string(s, "connect_address", "restapi.connect_address");
            if (text.isPresent()) {
                connect = hostPort(text.get(), s.get("connect_address"), "restapi.connect_address");
                if (connect != null) {
                    warnLocalAddress("restapi.connect_address", connect);
                }
            }
        }
        Optional<Credentials> auth = Optional.empty();
        Map<String, Object> a = section(s, "authentication", "restapi.authentication", false);
        if (a != null) {
            Optional<String> user = string(a, "username", "restapi.authentication.username");
            if (user.isEmpty()) {
                p.error("restapi.authentication.username", "is not defined (authentication needs username and password)");
            }
            Optional<String> password = string(a, "password", "restapi.authentication.password");
            if (password.isEmpty()) {
                p.warn("restapi.authentication.password", "is not defined");
            }
            unknownKeys(a, "restapi.authentication", Set.of("username", "password"));
            auth = user.map(u -> new Credentials(u, password, Map.of()));
        }
        for (String f : List.of("certfile", "keyfile", "keyfile_password", "cafile", "ciphers", "server_tokens")) {
            string(s, f, "restapi." + f);
        }
        Optional<RestTlsConfig> tls = restTls(s);
        RestAccessConfig access = new RestAccessConfig(allowlist(s), truthyWarning(s, "allowlist_include_members",
                "restapi.allowlist_include_members"), extraHeaders(s, "http_extra_headers"),
                extraHeaders(s, "https_extra_headers"));
        int queue = (int) boundedInt(s, "request_queue_size", "restapi.request_queue_size", 0, 4096,
                RestApiConfig.DEFAULT_REQUEST_QUEUE_SIZE);
        int threads = (int) boundedInt(s, "thread_pool_size", "restapi.thread_pool_size", 5, MAX_REST_THREADS,
                RestApiConfig.DEFAULT_THREAD_POOL_SIZE);
        if (listen == null) {
            return null;
        }
        return new RestApiConfig(listen, connect, auth, queue, threads, tls, access);
    }

    /** The TLS keys (rest-api.md §2.3): types and combinations; the files themselves are checked by TlsFileChecks. */
    private Optional<RestTlsConfig> restTls(Map<String, Object> s) {
        ServerTls.ClientAuth verify = ServerTls.ClientAuth.NONE;
        Object v = s.get("verify_client");
        if (v != null) {
            String mode = v instanceof String text ? text.toLowerCase(Locale.ROOT) : "";
            switch (mode) {
                case "none" -> verify = ServerTls.ClientAuth.NONE;
                case "optional" -> verify = ServerTls.ClientAuth.OPTIONAL;
                case "required" -> verify = ServerTls.ClientAuth.REQUIRED;
                default -> p.error("restapi.verify_client", v, "is not one of none, optional, required");
            }
        }
        Optional<String> certfile = string(s, "certfile", "restapi.certfile").filter(c -> !c.isEmpty());
        if (certfile.isEmpty()) {
            for (String f : List.of("keyfile", "keyfile_password", "cafile", "ciphers", "verify_client")) {
                if (s.get(f) != null) {
                    p.error("restapi." + f, s.get(f), "is set but restapi.certfile is not, so the REST API would"
                            + " speak plain HTTP; set restapi.certfile to the server certificate or remove restapi." + f);
                }
            }
            if (truthyWarning(s, "https_extra_headers", "restapi.https_extra_headers")) {
                p.warn("restapi.https_extra_headers", "is set but restapi.certfile is not: these headers are not sent");
            }
            return Optional.empty();
        }
        if (verify != ServerTls.ClientAuth.NONE && s.get("cafile") == null) {
            p.warn("restapi.verify_client", v, "without restapi.cafile: client certificates are checked against the"
                    + " JDK's default CAs; set restapi.cafile to the CA that signs your clients' certificates");
        }
        RestTlsConfig tls = new RestTlsConfig(Path.of(certfile.get()),
                string(s, "keyfile", "restapi.keyfile").filter(k -> !k.isEmpty()).map(Path::of),
                string(s, "keyfile_password", "restapi.keyfile_password"),
                string(s, "cafile", "restapi.cafile").filter(c -> !c.isEmpty()).map(Path::of),
                string(s, "ciphers", "restapi.ciphers"), verify);
        return Optional.of(tls); // the files are read by TlsFileChecks: jpatronictl need not read the server's key
    }

    /** {@code restapi.allowlist}: a list of host names, IPs and networks; a network that does not parse is an error. */
    private List<String> allowlist(Map<String, Object> s) {
        Object v = s.get("allowlist");
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> list)) {
            p.error("restapi.allowlist", v, "is not a list; write one host, IP or network (10.0.0.0/8) per \"- \" item");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            Object entry = list.get(i);
            if (!(entry instanceof String text) || text.isBlank()) {
                p.error("restapi.allowlist." + i, entry, "is not a host name, IP address or network");
                continue;
            }
            if (text.contains("/") && IpNetwork.parse(text).isEmpty()) {
                p.error("restapi.allowlist." + i, entry, "is not a valid network; write it as 10.0.0.0/8 or fd00::/8");
                continue;
            }
            out.add(text.trim());
        }
        return out;
    }

    /** Header names are HTTP tokens; names and values must not break the response apart (no CR, LF or NUL). */
    private Map<String, String> extraHeaders(Map<String, Object> s, String key) {
        String path = "restapi." + key;
        Map<String, Object> m = section(s, key, path, false);
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                p.error(path + "." + name, value, "is not a valid HTTP header name (letters, digits and -)");
                continue;
            }
            if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
                p.error(path + "." + name, value, "is not a header value (write a string)");
                continue;
            }
            String text = ValueParsers.pythonStr(value);
            if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0) {
                p.error(path + "." + name, "contains a line break or NUL, which would inject response headers;"
                        + " write the value on one line");
                continue;
            }
            out.put(name, text);
        }
        return out;
    }

    /** An integer in [min, max] (Patroni's bounds), else an error naming both and the default used. */
    private long boundedInt(Map<String, Object> s, String key, String path, long min, long max, long dflt) {
        Object v = s.get(key);
        if (v == null) {
            return dflt;
        }
        OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(v, null);
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
            p.error(path, v, "is not an integer from " + min + " to " + max + " (default " + dflt + ")");
            return dflt;
        }
        return n.getAsLong();
    }

    private void warnLocalAddress(String path, HostPort hp) {
        String h = hp.host().toLowerCase(Locale.ROOT);
        if (Set.of("127.0.0.1", "0.0.0.0", "*", "::1", "localhost", "::", "").contains(h)) {
            p.warn(path, hp.toString(), "is a loopback or wildcard address: other members cannot reach it");
        }
    }

    private HostPort hostPort(String text, Object original, String path) {
        try {
            return HostPort.parse(text, path);
        } catch (ConfigException e) {
            if (!(original instanceof String)) {
                p.error(path, original, "is not host:port (expected e.g. " + HostPort.example(path)
                        + "; YAML read it as a " + typeName(original) + ", quote it)");
            } else {
                p.addAll(e.problems());
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- DCS

    private DcsSection dcs() {
        List<String> present = new ArrayList<>();
        for (String n : DcsSection.PATRONI_ORDER) {
            if (raw.containsKey(n)) {
                present.add(n);
            }
        }
        if (present.isEmpty()) {
            // sections only a third-party plugin knows come after Patroni's, in the file's order
            raw.keySet().stream().filter(plugins.dcsSections()::containsKey).forEach(present::add);
        }
        if (present.isEmpty()) {
            List<String> known = new ArrayList<>(DcsSection.SUPPORTED);
            plugins.dcsSections().keySet().stream().filter(s -> !known.contains(s)).forEach(known::add);
            p.error(String.join("/", known), "is not defined. A DCS section is required, one of "
                    + String.join(", ", known) + " (e.g. etcd3: {hosts: 127.0.0.1:2379})");
            return null;
        }
        String chosen = present.get(0);
        for (String other : present.subList(1, present.size())) {
            p.warn(other, "ignored: only one DCS section is used, and " + chosen + " comes first in Patroni's order");
        }
        Map<String, Object> found = section(raw, chosen, chosen, false);
        if (found == null && raw.get(chosen) != null) {
            return null; // not a dictionary: reported
        }
        final Map<String, Object> options = found == null ? new LinkedHashMap<>() : found;
        if (chosen.equals("zookeeper") && options.containsKey("exhibitor")) {
            chosen = "exhibitor"; // legacy layout: zookeeper.exhibitor means the Exhibitor backend
        }
        if (!DcsSection.SUPPORTED.contains(chosen)) {
            if (plugins.dcsSections().containsKey(chosen)) {
                // the plugin validates its own section (DcsProvider.validate) at start and with --validate-config
                return new DcsSection(chosen, options);
            }
            p.error(chosen, "no plugin in " + plugins.where() + " serves the '" + chosen + "' section; installed: "
                    + (plugins.allDcsSections().isEmpty() ? "none" : String.join(", ", plugins.allDcsSections())) + plugins.unreadable()
                    + " (install a plugin for it or use one of these sections)");
            return null;
        }
        switch (chosen) {
            case "etcd", "etcd3" -> {
                unknownKeys(options, chosen, ETCD_KEYS);
                if (List.of("host", "hosts", "url", "proxy", "srv").stream().noneMatch(k -> options.get(k) != null)) {
                    p.error(chosen + ".hosts", "is not defined. One of host, hosts, url, proxy, srv is required"
                            + " (e.g. hosts: 127.0.0.1:2379)");
                }
                hostList(options, chosen, "hosts");
                for (String k : List.of("host", "url", "proxy", "srv", "protocol", "username", "password")) {
                    string(options, k, chosen + "." + k);
                }
            }
            case "zookeeper" -> {
                unknownKeys(options, chosen, ZOOKEEPER_KEYS);
                if (options.get("hosts") == null) {
                    p.error("zookeeper.hosts", "is not defined (e.g. hosts: [127.0.0.1:2181])");
                }
                hostList(options, chosen, "hosts");
                if (options.get("use_ssl") instanceof String s) {
                    p.warn("zookeeper.use_ssl", s, "is a non-empty string, which counts as true; write true or false without quotes");
                }
            }
            case "consul" -> {
                unknownKeys(options, chosen, CONSUL_KEYS);
                Object c = options.get("consistency");
                if (c != null && !Set.of("default", "consistent", "stale").contains(String.valueOf(c))) {
                    p.warn("consul.consistency", c, "is not one of default, consistent, stale");
                }
                string(options, "host", "consul.host");
            }
            default -> {
            }
        }
        return new DcsSection(chosen, options);
    }

    private void hostList(Map<String, Object> options, String section, String key) {
        Object hosts = options.get(key);
        String path = section + "." + key;
        if (hosts == null || hosts instanceof String) {
            return;
        }
        if (!(hosts instanceof List<?> list)) {
            p.error(path, hosts, "is not a list or a comma-separated string of host:port");
            return;
        }
        if (list.isEmpty()) {
            p.error(path, hosts, "is an empty list");
        }
        for (int i = 0; i < list.size(); i++) {
            Object h = list.get(i);
            if (!(h instanceof String)) {
                p.error(path + "." + i, h, "is not a string (YAML read it as a " + typeName(h) + "; quote it)");
            }
        }
    }

    // ---------------------------------------------------------------- bootstrap

    private Optional<BootstrapConfig> bootstrap() {
        if (!raw.containsKey("bootstrap")) {
            return Optional.empty();
        }
        Map<String, Object> s = section(raw, "bootstrap", "bootstrap", false);
        if (s == null) {
            return Optional.empty();
        }
        Map<String, Object> dcs = section(s, "dcs", "bootstrap.dcs", false);
        if (!s.containsKey("dcs")) {
            p.warn("bootstrap.dcs", "is not defined: a new cluster starts with the default dynamic configuration");
        }
        if (dcs == null) {
            dcs = new LinkedHashMap<>();
        }
        dynamic(dcs, "bootstrap.dcs");

        String method = string(s, "method", "bootstrap.method").orElse("initdb");
        Map<String, Object> methodSection = Map.of();
        if (!method.equals("initdb") && s.get(method) != null) {
            // whether a plugin provides the method is known only once plugins are loaded (MethodCatalog, at start)
            Map<String, Object> m = section(s, method, "bootstrap." + method, false);
            if (m != null) {
                methodSection = m;
                if (m.containsKey("recovery_conf")) {
                    Map<String, Object> rc = section(m, "recovery_conf", "bootstrap." + method + ".recovery_conf", false);
                    if (rc != null) {
                        p.addAll(DynamicConfigRules.parameters(rc, "bootstrap." + method + ".recovery_conf"));
                    }
                }
            }
        }
        Set<String> known = new LinkedHashSet<>(BOOTSTRAP_KEYS);
        s.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && m.containsKey("command")) {
                known.add(k); // a custom bootstrap method definition
            }
        });
        known.add(method);
        unknownKeys(s, "bootstrap", known);

        List<String> initdb = OptionRenderer.render("initdb", s.get("initdb"), "bootstrap.initdb",
                OptionRenderer.INITDB_FORBIDDEN, true, p);
        List<String> pgHba = lines(s, "pg_hba", "bootstrap.pg_hba");
        singleLines(pgHba, "bootstrap.pg_hba");

        List<BootstrapUser> users = new ArrayList<>();
        if (s.containsKey("users")) {
            p.warn("bootstrap.users", "is deprecated (removed in Patroni 4.0; 4.x ignores it): create roles in a"
                    + " post_bootstrap script. jpatroni still creates them after initialisation, as Patroni 3.x did");
            Map<String, Object> u = section(s, "users", "bootstrap.users", false);
            if (u != null) {
                u.forEach((user, def) -> {
                    String path = "bootstrap.users." + user;
                    Map<String, Object> d = def == null ? Map.of() : section(u, user, path, false);
                    if (d == null) {
                        return;
                    }
                    Optional<String> pw = d.get("password") == null ? Optional.empty()
                            : Optional.of(ValueParsers.pythonStr(d.get("password")));
                    List<String> options = new ArrayList<>();
                    Object o = d.get("options");
                    if (o instanceof List<?> l) {
                        for (Object item : l) {
                            options.add(ValueParsers.pythonStr(item));
                        }
                    } else if (o != null) {
                        p.error(path + ".options", o, "is not a list (e.g. options: [createdb])");
                    }
                    unknownKeys(d, path, Set.of("password", "options"));
                    users.add(new BootstrapUser(user, pw, options));
                });
            }
        }
        Optional<String> post = string(s, "post_bootstrap", "bootstrap.post_bootstrap");
        if (post.isEmpty()) {
            post = string(s, "post_init", "bootstrap.post_init");
        }
        return Optional.of(new BootstrapConfig(dcs, method, initdb, pgHba, users, post, methodSection));
    }

    /**
     * Checks a dynamic configuration map (bootstrap.dcs) with the rules PATCH /config applies
     * ({@link DynamicConfigRules}): what a running cluster would refuse, a new one does not start with.
     */
    private void dynamic(Map<String, Object> dcs, String path) {
        List<ConfigProblem> errors = DynamicConfig.check(dcs);
        for (ConfigProblem cp : errors) {
            p.addAll(List.of(new ConfigProblem(cp.severity(), path + "." + cp.path(), cp.value(), cp.reason())));
        }
        if (errors.isEmpty()) {
            List<String> repairs = new ArrayList<>();
            try {
                DynamicConfig.fromMap(dcs, repairs);
            } catch (ConfigException e) {
                p.addAll(e.problems()); // not expected after the rules passed
            }
            repairs.forEach(r -> p.warn(path, r));
        }
        unknownKeys(dcs, path, DYNAMIC_KEYS);
        Map<String, Object> standby = dcs.get("standby_cluster") instanceof Map<?, ?>
                ? section(dcs, "standby_cluster", path + ".standby_cluster", false) : null;
        if (standby != null) {
            unknownKeys(standby, path + ".standby_cluster", Set.copyOf(DynamicConfig.STANDBY_KEYS));
        }
        if (!(dcs.get("postgresql") instanceof Map<?, ?>)) {
            return; // absent, or reported by the rules
        }
        Map<String, Object> pg = section(dcs, "postgresql", path + ".postgresql", false);
        for (String k : pg.keySet()) {
            if (LOCAL_ONLY_POSTGRESQL.contains(k)) {
                p.warn(path + ".postgresql." + k, "ignored: it can only be set in the local postgresql section");
            }
        }
        if (pg.get("parameters") instanceof Map<?, ?>) {
            checkControlledValues(section(pg, "parameters", path + ".postgresql.parameters", false),
                    path + ".postgresql.parameters");
        }
    }

    private void checkControlledValues(Map<String, Object> params, String path) {
        for (String name : List.of("listen_addresses", "port", "cluster_name")) {
            if (params.containsKey(name)) {
                p.warn(path + "." + name, params.get(name), "ignored: Patroni sets it from "
                        + (name.equals("cluster_name") ? "scope" : "postgresql.listen"));
            }
        }
        minimum(params, "max_connections", 25, null, path);
        minimum(params, "max_wal_senders", 3, null, path);
        minimum(params, "max_replication_slots", 4, null, path);
        minimum(params, "max_worker_processes", 2, null, path);
        minimum(params, "max_prepared_transactions", 0, null, path);
        minimum(params, "max_locks_per_transaction", 32, null, path);
        minimum(params, "wal_keep_segments", 1, null, path);
        minimum(params, "wal_keep_size", 16, "MB", path);
        Object hs = params.get("hot_standby");
        if (params.containsKey("hot_standby") && !ValueParsers.boolish(hs).orElse(false)) {
            p.warn(path + ".hot_standby", hs, "must be on; the default (on) is used");
        }
        Object wl = params.get("wal_level");
        if (params.containsKey("wal_level")
                && !(wl instanceof String s && Set.of("hot_standby", "replica", "logical").contains(s.toLowerCase(Locale.ROOT)))) {
            p.warn(path + ".wal_level", wl, "is not one of hot_standby, replica, logical; the default is used");
        }
        for (String b : List.of("track_commit_timestamp", "wal_log_hints")) {
            if (params.containsKey(b) && ValueParsers.boolish(params.get(b)).isEmpty()) {
                p.warn(path + "." + b, params.get(b), "is not a boolean; the default is used");
            }
        }
    }

    private void minimum(Map<String, Object> params, String name, long min, String unit, String path) {
        if (!params.containsKey(name)) {
            return;
        }
        Object v = params.get(name);
        OptionalLong n = ValueParsers.parseInt(v, unit);
        if (n.isEmpty() || n.getAsLong() < min) {
            p.warn(path + "." + name, v, "is not an integer >= " + min + (unit == null ? "" : unit) + "; the default is used");
        }
    }

    // ---------------------------------------------------------------- postgresql

    private PostgresqlConfig postgresql(Map<String, Object> s) {
        Set<String> known = new LinkedHashSet<>(POSTGRESQL_KEYS);

        // listen: host[,host...][:port]
        String listenAddresses = null;
        int port = 5432;
        String localHost = null;
        Optional<String> listen = string(s, "listen", "postgresql.listen");
        if (listen.isEmpty()) {
            if (s.get("listen") == null) {
                p.error("postgresql.listen", "is not defined. Add e.g. listen: 0.0.0.0:5432");
            }
        } else {
            String text = listen.get().strip();
            int colon = text.lastIndexOf(':');
            String hosts = text;
            if (colon >= 0 && !text.endsWith("]")) {
                hosts = text.substring(0, colon);
                String portText = text.substring(colon + 1).strip();
                if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65535) {
                    p.error("postgresql.listen", s.get("listen"), "is not host:port (port \"" + portText
                            + "\" is not a number; expected e.g. 0.0.0.0:5432)");
                    hosts = null;
                } else {
                    port = Integer.parseInt(portText);
                }
            } else {
                p.warn("postgresql.listen", s.get("listen"), "has no port; 5432 is used");
            }
            if (hosts != null) {
                List<String> list = new ArrayList<>();
                for (String h : hosts.split(",")) {
                    String t = h.strip();
                    if (t.startsWith("[") && t.endsWith("]")) {
                        t = t.substring(1, t.length() - 1);
                    }
                    list.add(t);
                }
                listenAddresses = String.join(",", list);
                localHost = localHost(list);
            }
        }
        HostPort connect = null;
        Optional<String> connectText = string(s, "connect_address", "postgresql.connect_address");
        if (connectText.isEmpty()) {
            if (s.get("connect_address") == null) {
                p.error("postgresql.connect_address", "is not defined. Add the address other members use, e.g."
                        + " connect_address: 10.0.0.1:5432");
            }
        } else {
            connect = hostPort(connectText.get(), s.get("connect_address"), "postgresql.connect_address");
            if (connect != null) {
                warnLocalAddress("postgresql.connect_address", connect);
            }
        }
        if (s.get("proxy_address") != null) {
            string(s, "proxy_address", "postgresql.proxy_address")
                    .ifPresent(t -> hostPort(t, s.get("proxy_address"), "postgresql.proxy_address"));
        }
        Path dataDir = null;
        Optional<String> dd = string(s, "data_dir", "postgresql.data_dir");
        if (dd.isEmpty() || dd.get().isBlank()) {
            p.error("postgresql.data_dir", dd.isPresent() ? dd.get() : null,
                    dd.isPresent() ? "is an empty string" : "is not defined. Add the PGDATA path, e.g. data_dir: /var/lib/postgresql/16/main");
        } else {
            dataDir = Path.of(dd.get());
        }
        Path configDir = string(s, "config_dir", "postgresql.config_dir").filter(t -> !t.isBlank()).map(Path::of).orElse(dataDir);
        Optional<Path> binDir = string(s, "bin_dir", "postgresql.bin_dir").filter(t -> !t.isBlank()).map(Path::of);
        Path pgpass = string(s, "pgpass", "postgresql.pgpass").filter(t -> !t.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home", "/"), "pgpass"));
        Map<String, Object> binName = section(s, "bin_name", "postgresql.bin_name", false);
        if (binName != null) {
            unknownKeys(binName, "postgresql.bin_name", BIN_NAMES);
        }

        // authentication (legacy layouts: users directly under postgresql)
        Map<String, Object> auth = section(s, "authentication", "postgresql.authentication", false);
        if (auth == null && s.get("authentication") == null) {
            auth = new LinkedHashMap<>();
            for (String legacy : List.of("superuser", "replication")) {
                if (s.get(legacy) instanceof Map<?, ?>) {
                    p.warn("postgresql." + legacy, "legacy layout: move it under postgresql.authentication." + legacy);
                    auth.put(legacy, s.get(legacy));
                }
            }
            if (auth.isEmpty()) {
                p.error("postgresql.authentication", "is not defined. Add superuser and replication users, e.g."
                        + " authentication: {superuser: {username: postgres, password: ...}, replication: {username: replicator, password: ...}}");
                auth = null;
            }
        }
        if (auth != null && !auth.containsKey("superuser") && s.get("pg_rewind") instanceof Map<?, ?>) {
            p.warn("postgresql.pg_rewind", "legacy layout: used as postgresql.authentication.superuser");
            auth.put("superuser", s.get("pg_rewind"));
        }
        Credentials superuser = null;
        Credentials replication = null;
        Credentials rewind = null;
        if (auth != null) {
            unknownKeys(auth, "postgresql.authentication", Set.of("superuser", "replication", "rewind"));
            superuser = credentials(auth, "superuser", "postgresql.authentication.superuser", true);
            replication = credentials(auth, "replication", "postgresql.authentication.replication", true);
            rewind = auth.containsKey("rewind") ? credentials(auth, "rewind", "postgresql.authentication.rewind", true) : superuser;
        }

        // parameters: the Patroni-controlled ones cannot be set locally
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (s.containsKey("parameters") && s.get("parameters") == null) {
            p.warn("postgresql.parameters", null, "is empty (null): treated as no parameters");
        } else {
            Map<String, Object> params = section(s, "parameters", "postgresql.parameters", false);
            if (params != null) {
                p.addAll(DynamicConfigRules.parameters(params, "postgresql.parameters"));
                params.forEach((k, v) -> {
                    if (CONTROLLED_PARAMETERS.contains(k)) {
                        p.warn("postgresql.parameters." + k, v, "ignored: Patroni controls " + k
                                + "; set it in bootstrap.dcs (new cluster) or with patronictl edit-config");
                    } else {
                        parameters.put(k, v);
                    }
                });
            }
        }
        List<String> pgHba = lines(s, "pg_hba", "postgresql.pg_hba");
        List<String> pgIdent = lines(s, "pg_ident", "postgresql.pg_ident");
        singleLines(pgHba, "postgresql.pg_hba");
        singleLines(pgIdent, "postgresql.pg_ident");

        Optional<Boolean> usePgRewind = s.containsKey("use_pg_rewind")
                ? Optional.of(truthyWarning(s, "use_pg_rewind", "postgresql.use_pg_rewind")) : Optional.empty();
        boolean removeOnRewind = truthyWarning(s, "remove_data_directory_on_rewind_failure",
                "postgresql.remove_data_directory_on_rewind_failure");
        boolean removeOnDiverged = truthyWarning(s, "remove_data_directory_on_diverged_timelines",
                "postgresql.remove_data_directory_on_diverged_timelines");
        truthyWarning(s, "use_unix_socket", "postgresql.use_unix_socket");
        truthyWarning(s, "use_unix_socket_repl", "postgresql.use_unix_socket_repl");
        if (s.containsKey("use_slots")) {
            p.warn("postgresql.use_slots", s.get("use_slots"), "ignored locally: set it in bootstrap.dcs.postgresql"
                    + " or with patronictl edit-config");
        }

        String methodsKey = s.containsKey("create_replica_methods") ? "create_replica_methods" : "create_replica_method";
        List<String> methods = new ArrayList<>();
        Object m = s.get(methodsKey);
        if (m instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof String str) {
                    methods.add(str);
                } else {
                    p.error("postgresql." + methodsKey + "." + i, l.get(i), "is not a string (a replica method name)");
                }
            }
        } else if (m != null) {
            p.error("postgresql." + methodsKey, m, "is not a list (e.g. create_replica_methods: [basebackup])");
        }
        if (methods.isEmpty()) {
            methods.add("basebackup");
        }
        for (String method : methods) {
            known.add(method);
            if (!method.equals("basebackup") && s.get(method) != null && !(s.get(method) instanceof Map<?, ?>)) {
                p.error("postgresql." + method, s.get(method), "is not a dictionary (replica method settings, e.g. {command: ...})");
            }
        }
        // custom replica methods of a standby cluster and spare method sections look like {command: ...}
        s.forEach((k, v) -> {
            if (v instanceof Map<?, ?> mm && mm.containsKey("command")) {
                known.add(k);
            }
        });
        List<String> basebackup = OptionRenderer.render("basebackup", s.get("basebackup"), "postgresql.basebackup",
                OptionRenderer.BASEBACKUP_FORBIDDEN, false, p);

        Map<String, Object> recoveryConf = section(s, "recovery_conf", "postgresql.recovery_conf", false);
        if (recoveryConf != null) {
            p.addAll(DynamicConfigRules.parameters(recoveryConf, "postgresql.recovery_conf"));
        }
        Map<String, String> callbacks = new LinkedHashMap<>();
        Map<String, Object> cb = section(s, "callbacks", "postgresql.callbacks", false);
        if (cb != null) {
            unknownKeys(cb, "postgresql.callbacks", CALLBACKS);
            cb.forEach((k, v) -> {
                if (CALLBACKS.contains(k)) {
                    string(cb, k, "postgresql.callbacks." + k).ifPresent(cmd -> callbacks.put(k, cmd));
                }
            });
        }
        Optional<String> prePromote = string(s, "pre_promote", "postgresql.pre_promote");
        Optional<String> beforeStop = string(s, "before_stop", "postgresql.before_stop");
        int pgCtlTimeout = 60;
        Object t = s.get("pg_ctl_timeout");
        if (t != null) {
            OptionalLong n = t instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(t, null);
            if (n.isEmpty() || n.getAsLong() < 0 || n.getAsLong() > Integer.MAX_VALUE) {
                p.error("postgresql.pg_ctl_timeout", t, "is not a number of seconds (write a plain number, e.g. 60)");
            } else {
                pgCtlTimeout = (int) n.getAsLong();
            }
        }
        String database = string(s, "database", "postgresql.database").orElse("postgres");
        for (String k : List.of("custom_conf", "config_base_name")) {
            string(s, k, "postgresql." + k);
        }
        unknownKeys(s, "postgresql", known);

        if (listenAddresses == null || connect == null || dataDir == null || superuser == null || replication == null) {
            return null;
        }
        return new PostgresqlConfig(listenAddresses, port, localHost, connect, dataDir, configDir, binDir, pgpass, superuser,
                replication, rewind, parameters, pgHba, pgIdent, usePgRewind, removeOnRewind, removeOnDiverged, methods,
                basebackup, recoveryConf == null ? Map.of() : recoveryConf, callbacks, prePromote, beforeStop,
                pgCtlTimeout, database, s);
    }

    /** Host for Patroni's own local connections: loopback when PostgreSQL listens on a wildcard or loopback. */
    private static String localHost(List<String> hosts) {
        for (String h : hosts) {
            String l = h.toLowerCase(Locale.ROOT);
            if (Set.of("*", "0.0.0.0", "127.0.0.1", "localhost", "").contains(l)) {
                return "127.0.0.1";
            }
            if (l.equals("::") || l.equals("::1")) {
                return "::1";
            }
        }
        return hosts.isEmpty() ? "127.0.0.1" : hosts.get(0);
    }

    private Credentials credentials(Map<String, Object> auth, String key, String path, boolean required) {
        if (auth.get(key) == null) {
            if (required) {
                p.error(path + ".username", "is not defined. Add e.g. " + key + ": {username: "
                        + (key.equals("replication") ? "replicator" : "postgres") + ", password: ...}");
            }
            return null;
        }
        Map<String, Object> u = section(auth, key, path, false);
        if (u == null) {
            return null;
        }
        Optional<String> username = string(u, "username", path + ".username");
        if (username.isEmpty() || username.get().isEmpty()) {
            if (u.get("username") == null) {
                p.error(path + ".username", "is not defined");
            } else if (username.isPresent()) {
                p.error(path + ".username", "", "is an empty string");
            }
            return null;
        }
        Optional<String> password = u.get("password") == null ? Optional.empty()
                : Optional.of(ValueParsers.pythonStr(u.get("password")));
        Map<String, String> libpq = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : u.entrySet()) {
            String k = e.getKey();
            if (k.equals("username") || k.equals("password")) {
                continue;
            }
            if (EnvOverrides.AUTH_PARAMETERS.contains(k)) {
                if (e.getValue() != null) {
                    libpq.put(k, ValueParsers.pythonStr(e.getValue()));
                }
            } else {
                p.warn(path + "." + k, e.getValue(), "unknown key, dropped (allowed: " + String.join(", ",
                        EnvOverrides.AUTH_PARAMETERS) + ")");
            }
        }
        return new Credentials(username.get(), password, libpq);
    }

    // ---------------------------------------------------------------- watchdog, tags, log, ctl, citus

    private WatchdogConfig watchdog() {
        if (!raw.containsKey("watchdog")) {
            return WatchdogConfig.DEFAULT;
        }
        Map<String, Object> s = section(raw, "watchdog", "watchdog", false);
        if (s == null) {
            return WatchdogConfig.DEFAULT;
        }
        unknownKeys(s, "watchdog", WATCHDOG_KEYS);
        WatchdogConfig.Mode mode = WatchdogConfig.Mode.AUTOMATIC;
        if (s.containsKey("mode")) {
            Object v = s.get("mode");
            if (Boolean.FALSE.equals(v)) {
                mode = WatchdogConfig.Mode.OFF;
            } else if (v instanceof String str) {
                switch (str.toLowerCase(Locale.ROOT)) {
                    case "off", "disable", "disabled" -> mode = WatchdogConfig.Mode.OFF;
                    case "auto", "automatic" -> mode = WatchdogConfig.Mode.AUTOMATIC;
                    case "require", "required" -> mode = WatchdogConfig.Mode.REQUIRED;
                    default -> {
                        p.warn("watchdog.mode", v, "is not a watchdog mode (off, automatic, required): watchdog is off");
                        mode = WatchdogConfig.Mode.OFF;
                    }
                }
            } else {
                p.warn("watchdog.mode", v, "is not a watchdog mode (off, automatic, required): watchdog is off"
                        + (Boolean.TRUE.equals(v) ? " (YAML reads on/yes as true: write automatic or required)" : ""));
                mode = WatchdogConfig.Mode.OFF;
            }
        }
        String device = string(s, "device", "watchdog.device").orElse("/dev/watchdog");
        int margin = 5;
        if (s.get("safety_margin") != null) {
            Object v = s.get("safety_margin");
            OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(v, null);
            if (n.isEmpty() || n.getAsLong() < -1 || n.getAsLong() > Integer.MAX_VALUE) {
                p.error("watchdog.safety_margin", v, "is not an integer >= -1 (seconds)");
            } else {
                margin = (int) n.getAsLong();
            }
        }
        String driver = string(s, "driver", "watchdog.driver").orElse(WatchdogConfig.DEFAULT_DRIVER);
        WatchdogConfig config = new WatchdogConfig(mode, device, margin, driver);
        if (mode != WatchdogConfig.Mode.OFF) {
            checkWatchdogTiming(config);
        }
        return config;
    }

    /**
     * The timing of bootstrap.dcs (or Patroni's defaults) must leave a usable watchdog: a required
     * one is refused at start, an automatic one warned about (the DCS may carry another ttl later;
     * the loop checks again each time it activates the watchdog).
     */
    private void checkWatchdogTiming(WatchdogConfig config) {
        Object bootstrap = raw.get("bootstrap");
        Object dcsSection = bootstrap instanceof Map<?, ?> b ? b.get("dcs") : null;
        long ttl = bootstrapSeconds(dcsSection, "ttl", 30);
        long loopWait = bootstrapSeconds(dcsSection, "loop_wait", 10);
        if (config.timing(ttl, loopWait) instanceof WatchdogConfig.Timing.Unusable unusable) {
            String detail = unusable.reason() + " (bootstrap.dcs ttl " + ttl + ", loop_wait " + loopWait + ")";
            if (config.mode() == WatchdogConfig.Mode.REQUIRED) {
                p.error("watchdog.safety_margin", config.safetyMargin(), detail);
            } else {
                p.warn("watchdog.safety_margin", config.safetyMargin(), detail + ": no watchdog will be used");
            }
        }
    }

    private static long bootstrapSeconds(Object dcsSection, String key, long fallback) {
        if (dcsSection instanceof Map<?, ?> m && m.get(key) != null && !(m.get(key) instanceof Boolean)) {
            OptionalLong n = ValueParsers.parseInt(m.get(key), null);
            if (n.isPresent()) {
                return n.getAsLong();
            }
        }
        return fallback;
    }

    private Tags tags() {
        Map<String, Object> s = raw.containsKey("tags") ? section(raw, "tags", "tags", false) : null;
        if (s == null) {
            return Tags.NONE;
        }
        for (String b : PREDEFINED_BOOL_TAGS) {
            truthyWarning(s, b, "tags." + b);
        }
        OptionalInt failoverPriority = priority(s, "failover_priority");
        OptionalInt syncPriority = priority(s, "sync_priority");
        boolean nofailover;
        if (s.containsKey("nofailover")) {
            nofailover = ValueParsers.truthy(s.get("nofailover"));
            if (failoverPriority.isPresent() && nofailover == failoverPriority.getAsInt() > 0) {
                p.warn("tags", "nofailover and failover_priority contradict each other: nofailover ("
                        + nofailover + ") wins");
            }
        } else {
            nofailover = failoverPriority.isPresent() && failoverPriority.getAsInt() <= 0;
        }
        boolean nosync = s.containsKey("nosync") ? ValueParsers.truthy(s.get("nosync"))
                : syncPriority.isPresent() && syncPriority.getAsInt() <= 0;
        Optional<String> replicatefrom = string(s, "replicatefrom", "tags.replicatefrom");

        Map<String, Object> published = new LinkedHashMap<>();
        s.forEach((k, v) -> {
            boolean include = !PREDEFINED_BOOL_TAGS.contains(k) || ValueParsers.truthy(v)
                    || (k.equals("nofailover") && s.containsKey("failover_priority"))
                    || (k.equals("nosync") && s.containsKey("sync_priority"));
            if (include) {
                published.put(k, v);
            }
        });
        return new Tags(nofailover, ValueParsers.truthy(s.get("noloadbalance")), ValueParsers.truthy(s.get("clonefrom")),
                nosync, replicatefrom, failoverPriority, published);
    }

    private OptionalInt priority(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(v, null);
        if (n.isEmpty() || n.getAsLong() > Integer.MAX_VALUE || n.getAsLong() < Integer.MIN_VALUE) {
            p.error("tags." + key, v, "is not an integer");
            return OptionalInt.empty();
        }
        if (!(v instanceof Number)) {
            p.warn("tags." + key, v, "is not a YAML integer; read as " + n.getAsLong());
        }
        return OptionalInt.of((int) n.getAsLong());
    }

    private LogConfig log() {
        if (!raw.containsKey("log")) {
            return LogConfig.DEFAULT;
        }
        Map<String, Object> s = section(raw, "log", "log", false);
        if (s == null) {
            return LogConfig.DEFAULT;
        }
        unknownKeys(s, "log", LOG_KEYS);
        String level = "INFO";
        Optional<String> lv = string(s, "level", "log.level");
        if (lv.isPresent()) {
            String upper = lv.get().toUpperCase(Locale.ROOT);
            if (!LOG_LEVELS.contains(upper)) {
                p.error("log.level", lv.get(), "is not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)");
            } else {
                if (!upper.equals(lv.get())) {
                    p.warn("log.level", lv.get(), "should be upper-case (Patroni rejects it otherwise); " + upper + " is used");
                }
                level = upper;
            }
        }
        Optional<Path> dir = string(s, "dir", "log.dir").filter(t -> !t.isBlank()).map(Path::of);
        int fileNum = (int) nonNegative(s, "file_num", "log.file_num", 4);
        long fileSize = nonNegative(s, "file_size", "log.file_size", 25_000_000L);
        nonNegative(s, "max_queue_size", "log.max_queue_size", 1000);
        Map<String, String> loggers = new LinkedHashMap<>();
        Map<String, Object> l = section(s, "loggers", "log.loggers", false);
        if (l != null) {
            l.forEach((k, v) -> {
                String lvl = ValueParsers.pythonStr(v).toUpperCase(Locale.ROOT);
                if (!LOG_LEVELS.contains(lvl)) {
                    p.warn("log.loggers." + k, v, "is not a log level; ignored");
                } else {
                    loggers.put(k, lvl);
                }
            });
        }
        Object type = s.get("type");
        if ("json".equals(type)) {
            p.error("log.type", type, DynamicConfigRules.NOT_IMPLEMENTED + " (JSON logs): remove log.type"
                    + " (or set it to plain)");
        } else if (type != null && !"plain".equals(type)) {
            p.warn("log.type", type, "is not plain or json; plain is used");
        }
        Object format = s.get("format");
        if (format != null && !DEFAULT_LOG_FORMAT.equals(format)) {
            p.error("log.format", format, DynamicConfigRules.NOT_IMPLEMENTED + " (custom log formats): remove"
                    + " log.format (the format is " + DEFAULT_LOG_FORMAT + ")");
        }
        return new LogConfig(level, dir, fileNum, fileSize, loggers);
    }

    private long nonNegative(Map<String, Object> s, String key, String path, long dflt) {
        Object v = s.get(key);
        if (v == null) {
            return dflt;
        }
        OptionalLong n = v instanceof Boolean ? OptionalLong.empty() : ValueParsers.parseInt(v, null);
        if (n.isEmpty() || n.getAsLong() < 0) {
            p.error(path, v, "is not a non-negative integer");
            return dflt;
        }
        return n.getAsLong();
    }

    private void ctl() {
        if (raw.containsKey("ctl")) {
            Map<String, Object> s = section(raw, "ctl", "ctl", false);
            if (s != null) {
                unknownKeys(s, "ctl", CTL_KEYS);
                Map<String, Object> a = section(s, "authentication", "ctl.authentication", false);
                if (a != null) {
                    unknownKeys(a, "ctl.authentication", Set.of("username", "password"));
                }
                ctlTls(s);
            }
        }
    }

    /** The types of ctl's TLS keys; the files are checked by TlsFileChecks. */
    private void ctlTls(Map<String, Object> s) {
        for (String f : List.of("cacert", "certfile", "keyfile", "keyfile_password")) {
            string(s, f, "ctl." + f);
        }
        if (s.get("insecure") != null && ValueParsers.boolish(s.get("insecure")).isEmpty()) {
            p.error("ctl.insecure", s.get("insecure"), "is not a boolean; write true or false");
        }
        if (s.get("certfile") == null && s.get("keyfile") != null) {
            p.error("ctl.keyfile", s.get("keyfile"), "is set but ctl.certfile is not; set ctl.certfile to the client"
                    + " certificate");
        }
    }

    private void citus() {
        if (raw.containsKey("citus")) {
            p.warn("citus", "is not supported by jpatroni; ignored");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A nested map; null if absent or null; an ERROR (and null) if it is something else. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> section(Map<String, Object> parent, String key, String path, boolean required) {
        Object v = parent.get(key);
        if (v == null) {
            if (required && !parent.containsKey(key)) {
                p.error(path, "is not defined.");
            } else if (required || parent.containsKey(key)) {
                p.warn(path, null, "is empty (null): treated as an empty section");
                if (required) {
                    return new LinkedHashMap<>();
                }
            }
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        p.error(path, v, "is not a dictionary (YAML read a " + typeName(v) + "; write key: value pairs indented under "
                + key + ":)");
        return null;
    }

    /** A scalar as a string; numbers become their text; booleans warn; collections are errors. */
    private Optional<String> string(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            p.error(path, v, "is not a string");
            return Optional.empty();
        }
        if (v instanceof Boolean) {
            p.warn(path, v, "is a YAML boolean, not a string (quote it if text was meant)");
        }
        return Optional.of(ValueParsers.pythonStr(v));
    }

    /** A list of lines (pg_hba, pg_ident); empty when absent. */
    private List<String> lines(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> l)) {
            p.error(path, v, "is not a list of lines (write each line as a \"- ...\" item)");
            return out;
        }
        for (int i = 0; i < l.size(); i++) {
            Object line = l.get(i);
            if (line instanceof Map<?, ?> || line instanceof List<?> || line == null) {
                p.error(path + "." + i, line, "is not a string (quote lines that contain \": \" or start with special characters)");
            } else {
                out.add(ValueParsers.pythonStr(line));
            }
        }
        return out;
    }

    /** Lines written to pg_hba.conf / pg_ident.conf: a line break inside one item would add rules of its own. */
    private void singleLines(List<String> lines, String path) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int index = i;
            ConfText.lineBreakProblem(line).ifPresent(why -> p.error(path + "." + index, line,
                    why + ": write one list item per line"));
        }
    }

    /** Python truthiness, warning when a quoted "false"/"off" would surprise the user by counting as true. */
    private boolean truthyWarning(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v instanceof String s && ValueParsers.boolish(s).map(b -> !b).orElse(false)) {
            p.warn(path, v, "is a non-empty string, which counts as true; write true or false without quotes");
        }
        return ValueParsers.truthy(v);
    }

    private void unknownKeys(Map<String, Object> m, String path, Set<String> known) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                p.warn(path + "." + e.getKey(), e.getValue(), "unknown key, ignored");
            }
        }
    }

    static String typeName(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return "integer";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof List<?>) {
            return "list";
        }
        if (v instanceof Map<?, ?>) {
            return "dictionary";
        }
        return "string";
    }
}
