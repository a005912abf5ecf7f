package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server over real sockets: routing, the three wire shapes, and the health matrix as HAProxy sees it. */
class RestServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RestServer server;

    private int start(RestContext context) {
        server = new RestServer("127.0.0.1", 0, context, Optional.empty());
        server.start();
        return server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void statusOnlyAnswersAreABareHttp10StatusLine() throws Exception {
        int port = start(FakeContext.primary("node1"));
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", RawHttp.bare(port, "OPTIONS", "/"));
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", RawHttp.bare(port, "OPTIONS", "/master"));
        assertEquals("HTTP/1.0 503 Service Unavailable\r\n\r\n", RawHttp.bare(port, "OPTIONS", "/replica"));
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", RawHttp.exchange(port, "HEAD /primary HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("HTTP/1.0 503 Service Unavailable\r\n\r\n", RawHttp.bare(port, "HEAD", "/patroni"),
                "HEAD has no /patroni handler: health rules, no match");
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", RawHttp.bare(port, "GET", "/liveness"));
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", RawHttp.bare(port, "GET", "/readiness"));
        assertEquals("HTTP/1.0 503 Service Unavailable\r\n\r\n", RawHttp.bare(port, "HEAD", "/liveness"));
    }

    @Test
    void jsonAnswersCarryServerDateAndTypeButNoLength() throws Exception {
        int port = start(FakeContext.primary("node1"));
        String response = RawHttp.exchange(port, "GET /patroni HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        List<String> lines = List.of(head.split("\r\n"));
        assertEquals("HTTP/1.0 200 OK", lines.get(0));
        assertEquals("Server: jpatroni", lines.get(1));
        assertTrue(lines.get(2).matches("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                lines.get(2));
        assertEquals("Content-Type: application/json", lines.get(3));
        assertEquals(4, lines.size());
        assertEquals("primary", JSON.readTree(RawHttp.body(response)).get("role").asText());
    }

    @Test
    void otherMethodsGetA501ErrorPage() throws Exception {
        int port = start(FakeContext.primary("node1"));
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            for (String path : List.of("/restart", "/config", "/patroni", "/foo")) {
                String response = RawHttp.exchange(port, method + " " + path
                        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
                assertEquals(501, RawHttp.code(response), method + " " + path);
                assertTrue(response.contains("\r\nConnection: close\r\n"), response);
                assertTrue(response.contains("\r\nContent-Type: text/html;charset=utf-8\r\n"), response);
                int length = Integer.parseInt(response.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
                assertEquals(length, RawHttp.body(response).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
        }
    }

    @Test
    void unknownGetPathsAnswer503WithTheStatusDocument() throws Exception {
        int port = start(FakeContext.primary("node1"));
        HttpResponse<String> r = get(port, "/foo");
        assertEquals(503, r.statusCode());
        assertEquals("node1", JSON.readTree(r.body()).get("patroni").get("name").asText());
        assertEquals(200, get(port, "/").statusCode());
        assertEquals(200, get(port, "/patroni/anything").statusCode());
    }

    /** rest-api.md §4.4 over HTTP, for each situation of the health matrix. */
    @Test
    void healthMatrixOverHttp() throws Exception {
        Map<String, FakeContext> nodes = new LinkedHashMap<>();
        nodes.put("primary", FakeContext.primary("node1"));
        nodes.put("replica", FakeContext.replica("node2"));
        nodes.put("noloadbalance", FakeContext.replica("node3", Map.of("noloadbalance", true)));
        FakeContext lagging = FakeContext.replica("node4");
        lagging.status = FakeContext.replicaStatus("node4", 83886424 - 20 * 1048576, Map.of());
        nodes.put("lagging", lagging);
        nodes.put("stopped", new FakeContext(FakeContext.stoppedStatus("node5")));
        Map<String, String> expected = Map.of(
                "primary", "OPTIONS / 200, OPTIONS /master 200, OPTIONS /primary 200, OPTIONS /replica 503, "
                        + "OPTIONS /read-only 200, GET /patroni 200, GET /replica?lag=1MB 503, GET /health 200",
                "replica", "OPTIONS / 503, OPTIONS /master 503, OPTIONS /primary 503, OPTIONS /replica 200, "
                        + "OPTIONS /read-only 200, GET /patroni 200, GET /replica?lag=1MB 200, GET /health 200",
                "noloadbalance", "OPTIONS / 503, OPTIONS /master 503, OPTIONS /primary 503, OPTIONS /replica 503, "
                        + "OPTIONS /read-only 503, GET /patroni 200, GET /replica?lag=1MB 503, GET /health 200",
                "lagging", "OPTIONS / 503, OPTIONS /master 503, OPTIONS /primary 503, OPTIONS /replica 200, "
                        + "OPTIONS /read-only 200, GET /patroni 200, GET /replica?lag=1MB 503, GET /health 200",
                "stopped", "OPTIONS / 503, OPTIONS /master 503, OPTIONS /primary 503, OPTIONS /replica 503, "
                        + "OPTIONS /read-only 503, GET /patroni 200, GET /replica?lag=1MB 503, GET /health 503");
        for (Map.Entry<String, FakeContext> node : nodes.entrySet()) {
            int port = start(node.getValue());
            try {
                StringBuilder seen = new StringBuilder();
                for (String probe : List.of("OPTIONS /", "OPTIONS /master", "OPTIONS /primary", "OPTIONS /replica",
                        "OPTIONS /read-only")) {
                    String[] p = probe.split(" ");
                    seen.append(probe).append(' ').append(RawHttp.code(RawHttp.bare(port, p[0], p[1]))).append(", ");
                }
                for (String path : List.of("/patroni", "/replica?lag=1MB", "/health")) {
                    seen.append("GET ").append(path).append(' ').append(get(port, path).statusCode()).append(", ");
                }
                assertEquals(expected.get(node.getKey()), seen.substring(0, seen.length() - 2), node.getKey());
            } finally {
                server.stop();
                server = null;
            }
        }
    }

    @Test
    void livenessAndReadiness() throws Exception {
        FakeContext c = FakeContext.replica("node2");
        int port = start(c);
        assertEquals(200, RawHttp.code(RawHttp.bare(port, "GET", "/liveness")));
        c.loopAlive = false;
        assertEquals(503, RawHttp.code(RawHttp.bare(port, "GET", "/liveness")));
        assertEquals(200, RawHttp.code(RawHttp.bare(port, "GET", "/readiness")));
        c.status = FakeContext.replicaStatus("node2", 83886424 - 2 * 1048576, Map.of());
        assertEquals(503, RawHttp.code(RawHttp.bare(port, "GET", "/readiness")), "2 MB behind, limit 1 MB");
        assertEquals(200, RawHttp.code(RawHttp.bare(port, "GET", "/readiness?lag=3MB")));
        c.clusterKnown = false;
        assertEquals(503, RawHttp.code(RawHttp.bare(port, "GET", "/readiness?lag=3MB")));
        c.failsafeActive = true;
        assertEquals(200, RawHttp.code(RawHttp.bare(port, "GET", "/readiness?lag=3MB")));
        c.status = FakeContext.stoppedStatus("node2");
        assertEquals(503, RawHttp.code(RawHttp.bare(port, "GET", "/readiness")));
    }

    @Test
    void patroniDocumentKeys() throws Exception {
        int port = start(FakeContext.primary("node1"));
        JsonNode doc = JSON.readTree(get(port, "/patroni").body());
        assertEquals(Set.of("state", "postmaster_start_time", "role", "server_version", "xlog", "timeline",
                "replication", "dcs_last_seen", "database_system_identifier", "patroni"), keys(doc));
        assertEquals(Set.of("version", "scope", "name"), keys(doc.get("patroni")));
        assertEquals(Set.of("location"), keys(doc.get("xlog")));
        assertEquals(Set.of("usename", "application_name", "client_addr", "state", "sync_state", "sync_priority"),
                keys(doc.get("replication").get(0)));
    }

    @Test
    void clusterHistoryConfig() throws Exception {
        FakeContext c = FakeContext.primary("pg-node1");
        int port = start(c);
        assertEquals(502, get(port, "/config").statusCode());
        assertEquals("[]", get(port, "/history").body());
        assertEquals(503, get(port, "/cluster").statusCode());
        c.cluster = Optional.of(ClusterFixtures.batman(true)
                .history("[[1,25165984,\"no recovery target specified\",\"2025-01-10T08:00:00.000000+00:00\",\"pg-node1\"],"
                        + "[2,50331808,\"no recovery target specified\"]]")
                .view());
        HttpResponse<String> config = get(port, "/config/anything");
        assertEquals(200, config.statusCode());
        assertEquals("{\"synchronous_mode\": true, \"ttl\": 30}", config.body());
        JsonNode history = JSON.readTree(get(port, "/history").body());
        assertEquals(2, history.size());
        assertEquals(25165984, history.get(0).get(1).asLong());
        JsonNode cluster = JSON.readTree(get(port, "/cluster").body());
        assertEquals("batman", cluster.get("scope").asText());
        assertEquals(3, cluster.get("members").size());
    }

    @Test
    void metricsAreLabelledPlainText() throws Exception {
        int port = start(FakeContext.replica("node2"));
        HttpResponse<String> r = get(port, "/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("patroni_replica{scope=\"batman\",name=\"node2\"} 1\n"), r.body());
        assertTrue(r.body().endsWith("\n"));
    }

    @Test
    void protectedRoutesAskForBasicAuth() throws Exception {
        Routes routes = new Routes();
        routes.add("POST", "reload", r -> RestResponse.text(202, "reload scheduled"), true);
        AccessCheck access = new AccessCheck(Optional.of("admin:secret"));
        RestRequest none = RestRequest.of("POST", "/reload");
        assertEquals(401, access.refuse(none).orElseThrow().code());
        RestRequest wrong = new RestRequest("POST", "/reload", Map.of(),
                h -> Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString("admin:nope".getBytes())),
                Optional.empty(), "127.0.0.1");
        RestResponse refused = access.refuse(wrong).orElseThrow();
        assertEquals("Basic realm=\"Patroni\"", ((RestResponse.Body) refused).headers().get("WWW-Authenticate"));
        RestRequest right = new RestRequest("POST", "/reload", Map.of(),
                h -> Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString("admin:secret".getBytes())),
                Optional.empty(), "127.0.0.1");
        assertFalse(access.refuse(right).isPresent());
        assertTrue(new AccessCheck(Optional.empty()).refuse(none).isEmpty());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
