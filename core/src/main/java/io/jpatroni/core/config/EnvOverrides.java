package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code PATRONI_*} environment variables as a configuration map (config.md §5). Works on a
 * captured copy of the environment; the process environment is never changed.
 * {@link #consumed()} names the variables that were recognised, so that process launchers can
 * keep them away from callbacks and PostgreSQL as Patroni does.
 */
public final class EnvOverrides {

    private static final Logger LOG = LoggerFactory.getLogger(EnvOverrides.class);
    static final String PREFIX = "PATRONI_";

    /** libpq options kept from authentication blocks (config.md §3.8). */
    static final List<String> AUTH_PARAMETERS = List.of("username", "password", "sslmode", "sslcert", "sslkey",
            "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "gssencmode", "channel_binding", "sslnegotiation");

    private static final Set<String> GENERIC_SUFFIXES = Set.of("HOST", "HOSTS", "PORT", "USE_PROXIES", "PROTOCOL",
            "SRV", "SRV_SUFFIX", "URL", "PROXY", "CACERT", "CERT", "KEY", "VERIFY", "TOKEN", "CHECKS", "DC",
            "CONSISTENCY", "REGISTER_SERVICE", "SERVICE_CHECK_INTERVAL", "SERVICE_CHECK_TLS_SERVER_NAME",
            "SERVICE_TAGS", "NAMESPACE", "CONTEXT", "USE_ENDPOINTS", "SCOPE_LABEL", "ROLE_LABEL", "POD_IP", "PORTS",
            "LABELS", "BYPASS_API_SERVICE", "RETRIABLE_HTTP_CODES", "KEY_PASSWORD", "USE_SSL", "SET_ACLS", "GROUP",
            "DATABASE", "LEADER_LABEL_VALUE", "FOLLOWER_LABEL_VALUE", "STANDBY_LEADER_LABEL_VALUE", "TMP_ROLE_LABEL",
            "AUTH_DATA", "BOOTSTRAP_LABELS");
    private static final Set<String> LIST_SUFFIXES = Set.of("HOSTS", "PORTS", "CHECKS", "SERVICE_TAGS", "RETRIABLE_HTTP_CODES");
    private static final Set<String> MAP_SUFFIXES = Set.of("LABELS", "SET_ACLS", "AUTH_DATA", "BOOTSTRAP_LABELS");
    private static final Set<String> BOOL_SUFFIXES = Set.of("USE_PROXIES", "REGISTER_SERVICE", "USE_ENDPOINTS",
            "BYPASS_API_SERVICE", "VERIFY");

    private enum Kind { STRING, INT, BOOL, LIST, MAP, LOG_FORMAT }

    private final Map<String, String> remaining;
    private final Set<String> consumed = new LinkedHashSet<>();
    private final Map<String, Object> result = new LinkedHashMap<>();

    private EnvOverrides(Map<String, String> env) {
        // sorted for a deterministic result where Patroni's order would depend on os.environ
        this.remaining = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k != null && k.startsWith(PREFIX) && v != null) {
                remaining.put(k, v);
            }
        });
    }

    /** Builds the override map from {@code env} (only {@code PATRONI_*} entries are looked at). */
    public static EnvOverrides read(Map<String, String> env) {
        EnvOverrides o = new EnvOverrides(env);
        o.build();
        return o;
    }

    /** The configuration the variables describe; empty values were ignored. */
    public Map<String, Object> config() {
        return result;
    }

    /** Names of the recognised variables (including ones whose value was empty or unparseable). */
    public Set<String> consumed() {
        return Set.copyOf(consumed);
    }

    private String pop(String name) {
        String key = PREFIX + name.toUpperCase(Locale.ROOT);
        String v = remaining.remove(key);
        if (v != null) {
            consumed.add(key);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        return (Map<String, Object>) result.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    private void put(String section, String key, Object value) {
        if (value != null) {
            section(section).put(key, value);
        }
    }

    private void build() {
        for (String top : List.of("name", "namespace", "scope", "thread_pool_size", "thread_stack_size")) {
            String v = pop(top);
            if (v != null) {
                result.put(top, v);
            }
        }
        // legacy log variable names apply only when the new name is unset
        legacyLog("level", "loglevel");
        legacyLog("format", "logformat");
        legacyLog("dateformat", "log_datefmt");

        Map<String, Kind> log = new LinkedHashMap<>();
        for (String s : List.of("type", "level", "traceback_level", "dateformat", "dir")) {
            log.put(s, Kind.STRING);
        }
        log.put("format", Kind.LOG_FORMAT);
        log.put("static_fields", Kind.MAP);
        log.put("loggers", Kind.MAP);
        for (String s : List.of("max_queue_size", "file_size", "file_num", "mode")) {
            log.put(s, Kind.INT);
        }
        log.put("deduplicate_heartbeat_logs", Kind.BOOL);
        sectionValues("log", log);

        Map<String, Kind> restapi = new LinkedHashMap<>();
        for (String s : List.of("listen", "connect_address", "certfile", "keyfile", "keyfile_password", "cafile",
                "ciphers", "verify_client", "server_tokens")) {
            restapi.put(s, Kind.STRING);
        }
        restapi.put("http_extra_headers", Kind.MAP);
        restapi.put("https_extra_headers", Kind.MAP);
        restapi.put("allowlist", Kind.LIST);
        restapi.put("allowlist_include_members", Kind.BOOL);
        restapi.put("request_queue_size", Kind.INT);
        sectionValues("restapi", restapi);

        Map<String, Kind> ctl = new LinkedHashMap<>();
        ctl.put("insecure", Kind.BOOL);
        for (String s : List.of("cacert", "certfile", "keyfile", "keyfile_password")) {
            ctl.put(s, Kind.STRING);
        }
        sectionValues("ctl", ctl);

        Map<String, Kind> pg = new LinkedHashMap<>();
        for (String s : List.of("listen", "connect_address", "proxy_address", "config_dir", "data_dir", "pgpass", "bin_dir")) {
            pg.put(s, Kind.STRING);
        }
        sectionValues("postgresql", pg);
        for (String bin : List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres", "pg_isready", "pg_rewind")) {
            String v = pop("postgresql_bin_" + bin);
            if (v != null) {
                Map<String, Object> pgSection = section("postgresql");
                @SuppressWarnings("unchecked")
                Map<String, Object> binName = (Map<String, Object>) pgSection.computeIfAbsent("bin_name",
                        k -> new LinkedHashMap<String, Object>());
                binName.put(bin, v);
            }
        }

        Map<String, Kind> raft = new LinkedHashMap<>();
        for (String s : List.of("data_dir", "self_addr", "bind_addr", "password")) {
            raft.put(s, Kind.STRING);
        }
        raft.put("partner_addrs", Kind.LIST);
        sectionValues("raft", raft);

        Map<String, Object> restAuth = auth("restapi", List.of("username", "password"));
        if (!restAuth.isEmpty()) {
            section("restapi").put("authentication", restAuth);
        }
        Map<String, Object> ctlAuth = auth("ctl", List.of("username", "password"));
        if (!ctlAuth.isEmpty()) {
            section("ctl").put("authentication", ctlAuth);
        }
        Map<String, Object> authentication = new LinkedHashMap<>();
        for (String user : List.of("replication", "superuser", "rewind")) {
            Map<String, Object> entry = auth(user, AUTH_PARAMETERS);
            if (!entry.isEmpty()) {
                authentication.put(user, entry);
            }
        }
        if (!authentication.isEmpty()) {
            section("postgresql").put("authentication", authentication);
        }

        genericDcsRule();
        for (String dcs : List.of("etcd", "etcd3")) {
            if (result.containsKey(dcs)) {
                section(dcs).putAll(auth(dcs, List.of("username", "password")));
            }
        }
        legacyUsers();
        result.values().removeIf(v -> v instanceof Map<?, ?> m && m.isEmpty());
    }

    private void legacyLog(String name, String oldName) {
        String old = pop(oldName);
        String key = PREFIX + "LOG_" + name.toUpperCase(Locale.ROOT);
        if (old != null && !remaining.containsKey(key)) {
            remaining.put(key, old);
        }
    }

    private void sectionValues(String section, Map<String, Kind> params) {
        params.forEach((param, kind) -> {
            String v = pop(section + "_" + param);
            if (v != null) {
                put(section, param, convert(v, kind, PREFIX + (section + "_" + param).toUpperCase(Locale.ROOT)));
            }
        });
    }

    private Map<String, Object> auth(String prefix, List<String> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String p : params) {
            String v = pop(prefix + "_" + p);
            if (v != null) {
                out.put(p, v);
            }
        }
        return out;
    }

    private void genericDcsRule() {
        for (String var : new ArrayList<>(remaining.keySet())) {
            String rest = var.substring(PREFIX.length());
            int us = rest.indexOf('_');
            if (us <= 0) {
                continue;
            }
            String name = rest.substring(0, us);
            String suffix = rest.substring(us + 1);
            if (!GENERIC_SUFFIXES.contains(suffix)) {
                continue;
            }
            String raw = remaining.remove(var);
            consumed.add(var);
            if (raw == null || raw.isEmpty()) {
                continue;
            }
            Object value;
            if (name.equals("CITUS")) {
                if (suffix.equals("GROUP")) {
                    value = convert(raw, Kind.INT, var);
                } else if (suffix.equals("DATABASE")) {
                    value = raw;
                } else {
                    continue;
                }
            } else if (suffix.equals("PORT")) {
                value = convert(raw, Kind.INT, var);
            } else if (LIST_SUFFIXES.contains(suffix)) {
                value = convert(raw, Kind.LIST, var);
            } else if (MAP_SUFFIXES.contains(suffix)) {
                value = convert(raw, Kind.MAP, var);
            } else if (BOOL_SUFFIXES.contains(suffix)) {
                value = convert(raw, Kind.BOOL, var);
            } else {
                value = raw; // USE_SSL too: a non-empty string, so "false" is truthy as in Patroni
            }
            put(name.toLowerCase(Locale.ROOT), suffix.toLowerCase(Locale.ROOT), value);
        }
    }

    /** [3.x] PATRONI_&lt;user&gt;_PASSWORD (+ _OPTIONS) → bootstrap.users; 4.x ignores these. */
    private void legacyUsers() {
        Map<String, Object> users = new LinkedHashMap<>();
        for (String var : new ArrayList<>(remaining.keySet())) {
            if (!var.endsWith("_PASSWORD") || !remaining.containsKey(var)) {
                continue;
            }
            String user = var.substring(PREFIX.length(), var.length() - "_PASSWORD".length());
            if (user.isEmpty()) {
                continue;
            }
            String password = remaining.remove(var);
            consumed.add(var);
            if (password == null || password.isEmpty()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("password", password);
            String optionsVar = PREFIX + user + "_OPTIONS";
            String options = remaining.remove(optionsVar);
            if (options != null) {
                consumed.add(optionsVar);
                Object list = options.isEmpty() ? null : convert(options, Kind.LIST, optionsVar);
                if (list instanceof List<?> l && !l.isEmpty()) {
                    entry.put("options", list);
                }
            }
            users.put(user, entry);
        }
        if (!users.isEmpty()) {
            section("bootstrap").put("users", users);
        }
    }

    private static Object convert(String value, Kind kind, String var) {
        switch (kind) {
            case STRING:
                return value;
            case INT: {
                var n = ValueParsers.parseInt(value, null);
                if (n.isEmpty()) {
                    LOG.warn("{} is not an integer; ignored", var);
                    return null;
                }
                long l = n.getAsLong();
                return l == (int) l ? (Object) (int) l : (Object) l;
            }
            case BOOL: {
                var b = ValueParsers.boolish(value);
                if (b.isEmpty()) {
                    LOG.warn("{} is not a boolean; ignored", var);
                }
                return b.orElse(null);
            }
            case LIST: {
                String text = value.strip().startsWith("-") || value.contains("[") ? value : "[" + value + "]";
                return parseYaml(text, var, List.class);
            }
            case MAP: {
                String text = value.strip().startsWith("{") ? value : "{" + value + "}";
                return parseYaml(text, var, Map.class);
            }
            case LOG_FORMAT:
                return value.contains("%(") ? value : parseYaml(value.strip().startsWith("-") || value.contains("[")
                        ? value : "[" + value + "]", var, List.class);
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private static Object parseYaml(String text, String var, Class<?> expected) {
        try {
            Object v = Yaml11.load(text, var);
            if (v == null || !expected.isInstance(v)) {
                LOG.warn("{} is not a {}; ignored", var, expected == List.class ? "list" : "map");
                return null;
            }
            return v;
        } catch (ConfigException e) {
            LOG.warn("{} could not be parsed ({}); ignored", var, e.getMessage());
            return null;
        }
    }
}
