package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 10 items 2-5 against a real one-node cluster (etcd, PostgreSQL 15, the packaged daemon):
 * bad dynamic configuration is refused with 400 and never stored, a good change still reaches
 * PostgreSQL; a config written straight into etcd by another tool cannot inject lines into
 * postgresql.conf, and PostgreSQL still restarts; {@code --validate-config} refuses what is not implemented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DumpLogsOnFailure.class)
class ConfigSafetyIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private ClusterHarness cluster;
    private Node node;

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterHarness(1, 20, 2);
        cluster.startAll();
        node = cluster.nodes.get(0);
        await("a writable primary", Duration.ofSeconds(120), () -> ClusterHarness.acceptsWrites(node));
        await("the config key", Duration.ofSeconds(30), () -> node.rest("GET", "/config") == 200);
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void badValuesAreRefusedAndNeverStoredGoodOnesStillApply() throws Exception {
        String before = node.restBody("/config");
        List<String> bad = List.of(
                "{\"retry_timeout\":1500000000}",
                "{\"ttl\":\"abc\"}",
                "{\"loop_wait\":0}",
                "{\"failsafe_mode\":true}",
                "{\"synchronous_mode\":\"quorum\"}",
                "{\"standby_cluster\":{\"host\":\"10.0.0.9\",\"port\":5432}}",
                "{\"postgresql\":{\"parameters\":{\"work_mem\\nstatement_timeout\":\"1\"}}}",
                "{\"postgresql\":{\"parameters\":{\"search_path\":\"public'\\nstatement_timeout = '1\"}}}",
                "{\"postgresql\":{\"pg_hba\":[\"local all all trust\\nhost all all 0.0.0.0/0 trust\"]}}");
        for (String body : bad) {
            HttpResponse<String> r = send("PATCH", body);
            assertEquals(400, r.statusCode(), body + " → " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
            assertTrue(r.body().contains("invalid dynamic configuration"), r.body());
            assertEquals(before, node.restBody("/config"), "nothing stored after " + body);
        }
        assertEquals(400, send("PUT", "{\"ttl\":\"abc\"}").statusCode());
        assertEquals(before, node.restBody("/config"));
        assertTrue(send("PATCH", "{\"ttl\":\"abc\"}").body().contains("ttl \\\"abc\\\" is not an integer number of seconds"));

        HttpResponse<String> good = send("PATCH", "{\"postgresql\":{\"parameters\":{\"work_mem\":\"9MB\"}}}");
        assertEquals(200, good.statusCode(), good.body());
        await("work_mem 9MB in PostgreSQL", Duration.ofSeconds(30), () -> "9MB".equals(show("work_mem")));
    }

    @Test
    @Order(2)
    void aConfigWrittenByAnotherToolCannotInjectLines() throws Exception {
        // straight into etcd: neither REST nor jpatronictl would store this
        String injected = "{\"ttl\":20,\"loop_wait\":2,\"retry_timeout\":7,\"postgresql\":{\"use_pg_rewind\":true,"
                + "\"use_slots\":true,\"parameters\":{\"work_mem\":\"10MB\","
                + "\"statement_timeout = 1\\nwork_mem\":\"11MB\","
                + "\"search_path\":\"public'\\nlock_timeout = '7\"}}}";
        cluster.etcd.etcdctl("put", "/service/otus/config", injected);
        await("work_mem 10MB in PostgreSQL", Duration.ofSeconds(30), () -> "10MB".equals(show("work_mem")));
        String conf = Files.readString(node.dataDir().resolve("postgresql.conf"));
        assertFalse(conf.contains("statement_timeout"), conf);
        assertFalse(conf.contains("lock_timeout"), conf);
        assertFalse(conf.contains("search_path"), conf);
        assertEquals("0", show("statement_timeout"));
        assertEquals("0", show("lock_timeout"));
        assertTrue(Files.readString(node.log()).contains("not writing parameter"), "the skipped lines are logged");

        long pid = node.postmasterPid().orElseThrow();
        assertEquals(200, post("/restart", "{}").statusCode());
        await("PostgreSQL restarted with the file jpatroni wrote", Duration.ofSeconds(60),
                () -> node.postmasterPid().filter(p -> p != pid).isPresent() && ClusterHarness.acceptsWrites(node));
        assertEquals("10MB", show("work_mem"));
        assertTrue(node.daemon.isAlive());
    }

    @Test
    @Order(3)
    void anInvalidStoredConfigIsLoggedAndTheNextValidOneStillApplies() throws Exception {
        cluster.etcd.etcdctl("put", "/service/otus/config", "{\"ttl\":\"abc\",\"loop_wait\":2,\"retry_timeout\":7,"
                + "\"postgresql\":{\"parameters\":{\"work_mem\":\"12MB\"}}}");
        await("the rejection logged", Duration.ofSeconds(30),
                () -> Files.readString(node.log()).contains("is invalid and NOT applied"));
        assertEquals("10MB", show("work_mem"), "the last valid configuration stays in force");
        cluster.etcd.etcdctl("put", "/service/otus/config", "{\"ttl\":20,\"loop_wait\":2,\"retry_timeout\":7,"
                + "\"postgresql\":{\"use_pg_rewind\":true,\"use_slots\":true,\"parameters\":{\"work_mem\":\"13MB\"}}}");
        await("work_mem 13MB once the key is valid again", Duration.ofSeconds(30), () -> "13MB".equals(show("work_mem")));
        assertTrue(ClusterHarness.acceptsWrites(node));
    }

    @Test
    @Order(4)
    void validateConfigRefusesWhatIsNotImplemented() throws Exception {
        validateConfigRefusesAMethodNothingImplements();
        String yml = Files.readString(node.config);
        Path bad = Files.createTempFile("jpatroni-validate", ".yml");
        try {
            Files.writeString(bad, yml.replace("bootstrap:\n", "bootstrap:\n  method: restore\n")
                    .replace("  dcs:\n", "  dcs:\n    failsafe_mode: true\n    synchronous_mode: quorum\n")
                    .replace("name: node1", "name: ../node1")
                    + "watchdog:\n  mode: required\nlog:\n  type: json\n");
            Process p = new ProcessBuilder(ClusterHarness.DIST.resolve("bin/jpatroni").toString(), "--validate-config",
                    bad.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out);
            for (String expected : List.of("bootstrap.dcs.failsafe_mode true is not implemented by jpatroni yet",
                    "bootstrap.dcs.synchronous_mode \"quorum\" is not implemented by jpatroni yet",
                    "log.type \"json\" is not implemented by jpatroni yet",
                    "name \"../node1\" must not contain '/' or '..'")) {
                assertTrue(out.contains(expected), expected + " in:\n" + out);
            }
            Process ok = new ProcessBuilder(ClusterHarness.DIST.resolve("bin/jpatroni").toString(), "--validate-config",
                    node.config.toString()).redirectErrorStream(true).start();
            String okOut = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, ok.exitValue(), okOut);
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    /** A bootstrap method with no command and no plugin is refused by --validate-config, naming the fix. */
    private void validateConfigRefusesAMethodNothingImplements() throws Exception {
        String yml = Files.readString(node.config);
        Path bad = Files.createTempFile("jpatroni-validate", ".yml");
        try {
            Files.writeString(bad, yml.replace("bootstrap:\n", "bootstrap:\n  method: restore\n"));
            Process p = new ProcessBuilder(ClusterHarness.DIST.resolve("bin/jpatroni").toString(), "--validate-config",
                    bad.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.contains("bootstrap.method \"restore\": no bootstrap method of that name: define"
                    + " bootstrap.restore.command"), out);
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    @Order(5)
    void aReloadThatPostgresqlCannotParseIsReportedNotClaimedAsSuccess() throws Exception {
        // a valid name and a single-line value, but one PostgreSQL rejects: only pg_file_settings tells
        assertEquals(200, send("PATCH", "{\"postgresql\":{\"parameters\":{\"work_mem\":\"lots\"}}}").statusCode());
        await("the file error logged", Duration.ofSeconds(30), () -> {
            String log = Files.readString(node.log());
            return log.contains("PostgreSQL configuration file error") && log.contains("work_mem")
                    && log.contains("PostgreSQL reports 1 error(s) in its configuration files");
        });
        assertEquals("13MB", show("work_mem"), "PostgreSQL kept its previous value");
        assertEquals(200, send("PATCH", "{\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}}}").statusCode());
        await("work_mem 8MB", Duration.ofSeconds(30), () -> "8MB".equals(show("work_mem")));
    }

    private HttpResponse<String> send(String method, String body) throws Exception {
        return request(method, "/config", body);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return request("POST", path, body);
    }

    private HttpResponse<String> request(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.restPort + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String show(String parameter) throws SQLException {
        try (Connection c = node.connect(); var st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + parameter)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
