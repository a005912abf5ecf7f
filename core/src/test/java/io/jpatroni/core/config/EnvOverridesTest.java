package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PATRONI_* variables (config.md §5), applied over the file or standing alone. */
class EnvOverridesTest {

    @TempDir
    Path tmp;

    private static Map<String, Object> env(Map<String, String> vars) {
        return EnvOverrides.read(vars).config();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sub(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String p : path) {
            cur = (Map<String, Object>) cur.get(p);
        }
        return cur;
    }

    @Test
    void sectionVariables() {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATRONI_NAME", "node7");
        vars.put("PATRONI_SCOPE", "demo");
        vars.put("PATRONI_NAMESPACE", "/jp");
        vars.put("PATRONI_LOG_LEVEL", "DEBUG");
        vars.put("PATRONI_LOG_FILE_NUM", "010");
        vars.put("PATRONI_LOG_LOGGERS", "urllib3: DEBUG, kazoo: WARNING");
        vars.put("PATRONI_RESTAPI_LISTEN", "0.0.0.0:8009");
        vars.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "10.0.0.9:8009");
        vars.put("PATRONI_RESTAPI_USERNAME", "admin");
        vars.put("PATRONI_RESTAPI_PASSWORD", "pw");
        vars.put("PATRONI_RESTAPI_ALLOWLIST", "10.0.0.0/8, 127.0.0.1");
        vars.put("PATRONI_RESTAPI_ALLOWLIST_INCLUDE_MEMBERS", "on");
        vars.put("PATRONI_POSTGRESQL_DATA_DIR", "/data");
        vars.put("PATRONI_POSTGRESQL_LISTEN", "*:5433");
        vars.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.9:5433");
        vars.put("PATRONI_POSTGRESQL_BIN_DIR", "/usr/lib/postgresql/15/bin");
        vars.put("PATRONI_POSTGRESQL_PGPASS", "/tmp/pgpass");
        vars.put("PATRONI_POSTGRESQL_BIN_PG_CTL", "pg_ctl15");
        vars.put("PATRONI_SUPERUSER_USERNAME", "postgres");
        vars.put("PATRONI_SUPERUSER_PASSWORD", "supw");
        vars.put("PATRONI_REPLICATION_USERNAME", "repl");
        vars.put("PATRONI_REPLICATION_SSLMODE", "require");
        vars.put("PATRONI_REWIND_USERNAME", "rewinder");
        vars.put("PATRONI_CTL_INSECURE", "yes");
        vars.put("PATRONI_EMPTY_HOST", "");
        vars.put("NOT_PATRONI_NAME", "x");
        Map<String, Object> c = env(vars);
        assertEquals("node7", c.get("name"));
        assertEquals("demo", c.get("scope"));
        assertEquals("/jp", c.get("namespace"));
        assertEquals("DEBUG", sub(c, "log").get("level"));
        assertEquals(8, sub(c, "log").get("file_num")); // octal, as parse_int reads it
        assertEquals(Map.of("urllib3", "DEBUG", "kazoo", "WARNING"), sub(c, "log").get("loggers"));
        assertEquals("0.0.0.0:8009", sub(c, "restapi").get("listen"));
        assertEquals(Map.of("username", "admin", "password", "pw"), sub(c, "restapi").get("authentication"));
        assertEquals(List.of("10.0.0.0/8", "127.0.0.1"), sub(c, "restapi").get("allowlist"));
        assertEquals(true, sub(c, "restapi").get("allowlist_include_members"));
        assertEquals("/data", sub(c, "postgresql").get("data_dir"));
        assertEquals("*:5433", sub(c, "postgresql").get("listen"));
        assertEquals(Map.of("pg_ctl", "pg_ctl15"), sub(c, "postgresql").get("bin_name"));
        assertEquals(Map.of("username", "postgres", "password", "supw"), sub(c, "postgresql", "authentication", "superuser"));
        assertEquals(Map.of("username", "repl", "sslmode", "require"), sub(c, "postgresql", "authentication", "replication"));
        assertEquals(Map.of("username", "rewinder"), sub(c, "postgresql", "authentication", "rewind"));
        assertEquals(true, sub(c, "ctl").get("insecure"));
        assertFalse(c.containsKey("empty"));
    }

    @Test
    void genericDcsRuleAndItsTyping() {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATRONI_ETCD3_HOSTS", "'10.0.0.1:2379','10.0.0.2:2379'");
        vars.put("PATRONI_ETCD3_PROTOCOL", "https");
        vars.put("PATRONI_ETCD3_USERNAME", "root");
        vars.put("PATRONI_ETCD3_PASSWORD", "etcdpw");
        vars.put("PATRONI_CONSUL_PORT", "8500");
        vars.put("PATRONI_CONSUL_REGISTER_SERVICE", "true");
        vars.put("PATRONI_CONSUL_VERIFY", "maybe");
        vars.put("PATRONI_ZOOKEEPER_USE_SSL", "false");
        vars.put("PATRONI_ZOOKEEPER_SET_ACLS", "CN=p: [ALL]");
        vars.put("PATRONI_KUBERNETES_POD_IP", "10.1.1.1");
        vars.put("PATRONI_CITUS_GROUP", "1");
        vars.put("PATRONI_CITUS_HOST", "ignored");
        Map<String, Object> c = env(vars);
        assertEquals(Map.of("hosts", List.of("10.0.0.1:2379", "10.0.0.2:2379"), "protocol", "https",
                "username", "root", "password", "etcdpw"), sub(c, "etcd3"));
        assertEquals(8500, sub(c, "consul").get("port"));
        assertEquals(true, sub(c, "consul").get("register_service"));
        assertFalse(sub(c, "consul").containsKey("verify")); // unparseable bool: ignored
        assertEquals("false", sub(c, "zookeeper").get("use_ssl")); // a string: truthy, as in Patroni
        assertEquals(Map.of("CN=p", List.of("ALL")), sub(c, "zookeeper").get("set_acls"));
        assertEquals("10.1.1.1", sub(c, "kubernetes").get("pod_ip"));
        assertEquals(Map.of("group", 1), sub(c, "citus"));
    }

    @Test
    void etcdCredentialsOnlyWithAnEtcdSection() {
        Map<String, Object> c = env(Map.of("PATRONI_ETCD_USERNAME", "u", "PATRONI_ETCD_PASSWORD", "p"));
        assertNull(c.get("etcd"));
    }

    @Test
    void legacyUserPasswordVariables() {
        Map<String, Object> c = env(Map.of("PATRONI_admin_PASSWORD", "pw", "PATRONI_admin_OPTIONS", "createdb, createrole"));
        assertEquals(Map.of("admin", Map.of("password", "pw", "options", List.of("createdb", "createrole"))),
                sub(c, "bootstrap").get("users"));
    }

    @Test
    void legacyLogNamesOnlyWhenTheNewOneIsUnset() {
        assertEquals("DEBUG", sub(env(Map.of("PATRONI_LOGLEVEL", "DEBUG")), "log").get("level"));
        assertEquals("ERROR", sub(env(Map.of("PATRONI_LOGLEVEL", "DEBUG", "PATRONI_LOG_LEVEL", "ERROR")), "log").get("level"));
        assertEquals(List.of("message", "levelname"), sub(env(Map.of("PATRONI_LOG_FORMAT", "message, levelname")), "log").get("format"));
        assertEquals("%(message)s", sub(env(Map.of("PATRONI_LOG_FORMAT", "%(message)s")), "log").get("format"));
    }

    @Test
    void consumedNamesAreReportedAndTheMapIsNotChanged() {
        Map<String, String> vars = Map.of("PATRONI_NAME", "n", "PATRONI_ETCD3_HOSTS", "h:1", "PATRONI_UNKNOWN", "x", "PATH", "/bin");
        EnvOverrides o = EnvOverrides.read(vars);
        assertEquals(java.util.Set.of("PATRONI_NAME", "PATRONI_ETCD3_HOSTS"), o.consumed());
        assertEquals(4, vars.size());
    }

    @Test
    void environmentWinsOverTheFile() throws Exception {
        Path f = tmp.resolve("patroni.yml");
        Files.writeString(f, TestConfigs.MINIMAL + "tags: {nofailover: true}\n");
        Map<String, String> vars = Map.of("PATRONI_NAME", "from-env", "PATRONI_POSTGRESQL_DATA_DIR", "/env/data",
                "PATRONI_SUPERUSER_PASSWORD", "env-pw", "PATRONI_RESTAPI_LISTEN", "127.0.0.1:18008",
                "PATRONI_ETCD3_HOSTS", "127.0.0.1:23790");
        PatroniConfig c = ConfigLoader.load(Optional.of(f), vars);
        assertEquals("from-env", c.name());
        assertEquals(Path.of("/env/data"), c.postgresql().dataDir());
        assertEquals("postgres", c.postgresql().superuser().username()); // merged, not replaced
        assertEquals(Optional.of("env-pw"), c.postgresql().superuser().password());
        assertEquals(new HostPort("127.0.0.1", 18008), c.restapi().listen());
        assertEquals(List.of("127.0.0.1:23790"), c.dcs().hosts());
        assertTrue(c.tags().nofailover());
    }

    @Test
    void environmentAloneAndPatroniConfiguration() throws Exception {
        Map<String, String> vars = new HashMap<>();
        vars.put("PATRONI_NAME", "n1");
        vars.put("PATRONI_SCOPE", "s");
        vars.put("PATRONI_RESTAPI_LISTEN", "127.0.0.1:8008");
        vars.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "10.0.0.1:8008");
        vars.put("PATRONI_ETCD3_HOSTS", "127.0.0.1:2379");
        vars.put("PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:5432");
        vars.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.1:5432");
        vars.put("PATRONI_POSTGRESQL_DATA_DIR", "/d");
        vars.put("PATRONI_SUPERUSER_USERNAME", "postgres");
        vars.put("PATRONI_REPLICATION_USERNAME", "repl");
        PatroniConfig c = ConfigLoader.load(Optional.empty(), vars);
        assertEquals("n1", c.name());
        assertEquals("etcd3", c.dcs().name());

        // PATRONI_CONFIGURATION replaces everything and disables the other variables
        vars.put("PATRONI_CONFIGURATION", TestConfigs.MINIMAL);
        PatroniConfig c2 = ConfigLoader.load(Optional.empty(), vars);
        assertEquals("node1", c2.name());
        // a path that does not exist falls back to the environment, as in Patroni
        PatroniConfig c3 = ConfigLoader.load(Optional.of(tmp.resolve("missing.yml")), vars);
        assertEquals("node1", c3.name());
    }
}
