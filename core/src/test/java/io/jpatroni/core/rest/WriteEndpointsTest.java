package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every write endpoint over real HTTP against a scripted {@link NodeOperations} (rest-api.md §1.4, §2, §6, §7). */
class WriteEndpointsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2029-06-01T00:00:00Z"), ZoneOffset.UTC);
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    private RestServer server;
    private int port;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(FakeOperations ops) {
        start(ops, Optional.empty());
    }

    private void start(FakeOperations ops, Optional<String> auth) {
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("pg-node1"), auth, Optional.of(ops),
                pauses::add, CLOCK);
        server.start();
        port = server.port();
    }

    /** Three members, pg-node1 leading, no synchronous mode. */
    static ClusterFixtures plain() {
        return ClusterFixtures.cluster().initialize("7408277255830290455")
                .config("{\"ttl\":30,\"loop_wait\":10,\"postgresql\":{\"parameters\":{\"max_connections\":100}}}")
                .leader("pg-node1")
                .member("pg-node1", member("10.0.0.1", "primary"))
                .member("pg-node2", member("10.0.0.2", "replica"))
                .member("pg-node3", member("10.0.0.3", "replica"));
    }

    static ClusterFixtures leaderless() {
        return ClusterFixtures.cluster().initialize("7408277255830290455").config("{\"ttl\":30}")
                .member("pg-node2", member("10.0.0.2", "replica"))
                .member("pg-node3", member("10.0.0.3", "replica"));
    }

    static String member(String host, String role) {
        return "{\"conn_url\":\"postgres://" + host + ":5432/postgres\",\"api_url\":\"http://" + host
                + ":8008/patroni\",\"state\":\"running\",\"role\":\"" + role + "\"}";
    }

    record Answer(int code, String body, String raw) {
    }

    private Answer send(String method, String path, String body) throws Exception {
        return send(method, path, body, Optional.empty());
    }

    /** {@code body == null}: no Content-Length header at all. */
    private Answer send(String method, String path, String body, Optional<String> auth) throws Exception {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\n");
        auth.ifPresent(a -> req.append("Authorization: ").append(a).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("\r\n");
        String raw = RawHttp.exchange(port, req + new String(bytes, StandardCharsets.ISO_8859_1), 30_000);
        return new Answer(RawHttp.code(raw), RawHttp.body(raw), raw);
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    // ---- §1.4 request bodies -------------------------------------------------------------------

    @Test
    void requiredBodies() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        for (String path : List.of("/switchover", "/failover")) {
            assertEquals(411, send("POST", path, null).code(), path);
            Answer empty = send("POST", path, "");
            assertEquals(400, empty.code(), path);
            assertTrue(empty.raw().contains("Content-Type: text/html;charset=utf-8"), "an error page");
            assertEquals(400, send("POST", path, "{\"leader\":").code());
            assertEquals(400, send("POST", path, "[]").code());
            assertEquals(400, send("POST", path, "\"x\"").code());
            assertEquals(400, send("POST", path, "1").code());
            assertEquals(400, send("POST", path, "{}").code());
            assertEquals(400, send("POST", path, "{} {}").code(), "trailing garbage");
        }
        assertEquals(411, send("PATCH", "/config", null).code());
        assertEquals(411, send("PUT", "/config", null).code());
        assertEquals(400, send("PATCH", "/config", "{}").code());
        assertEquals(400, send("PUT", "/config", "").code());
        assertTrue(ops.failoverWrites.isEmpty() && ops.configWrites.isEmpty());
    }

    @Test
    void invalidUtf8IsABadRequest() throws Exception {
        start(new FakeOperations(plain().view()));
        String raw = RawHttp.exchange(port, "POST /restart HTTP/1.0\r\nContent-Length: 3\r\n\r\n\"\u00ff\"", 5000);
        assertEquals(400, RawHttp.code(raw));
    }

    @Test
    void optionalBodies() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        assertEquals(new Answer(200, "restarted successfully", ""), strip(send("POST", "/restart", null)));
        assertEquals(200, send("POST", "/restart", "").code());
        assertEquals(200, send("POST", "/restart", "{}").code());
        assertEquals(400, send("POST", "/restart", "[]").code());
        assertEquals(400, send("POST", "/restart", "nope").code());
        assertEquals(3, ops.restarts.size());
        assertEquals(200, send("POST", "/reinitialize", null).code());
        assertEquals(400, send("POST", "/reinitialize", "[1]").code());
    }

    private static Answer strip(Answer a) {
        return new Answer(a.code(), a.body(), "");
    }

    // ---- §2 access control ----------------------------------------------------------------------

    @Test
    void basicAuthOnProtectedEndpointsOnly() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops, Optional.of("admin:secret"));
        Answer none = send("POST", "/reload", null);
        assertEquals(401, none.code());
        assertEquals("no auth header received", none.body());
        assertTrue(none.raw().contains("\r\nWWW-Authenticate: Basic realm=\"Patroni\"\r\n"), none.raw());
        assertTrue(none.raw().contains("\r\nContent-Type: text/html\r\n"), none.raw());
        Answer wrong = send("POST", "/reload", null, Optional.of(basic("admin:nope")));
        assertEquals(new Answer(401, "not authenticated", ""), strip(wrong));
        assertTrue(wrong.raw().contains("WWW-Authenticate: Basic realm=\"Patroni\""));
        assertEquals(401, send("POST", "/reload", null, Optional.of("Bearer abc")).code());
        assertEquals(401, send("POST", "/switchover", "not json", Optional.empty()).code(),
                "the access check runs before the body is read");
        assertEquals(0, ops.reloads.get());
        for (String[] call : List.of(new String[] {"PATCH", "/config"}, new String[] {"PUT", "/config"},
                new String[] {"POST", "/restart"}, new String[] {"DELETE", "/restart"},
                new String[] {"POST", "/reinitialize"}, new String[] {"POST", "/failover"},
                new String[] {"DELETE", "/switchover"})) {
            assertEquals(401, send(call[0], call[1], "{\"a\":1}").code(), call[0] + " " + call[1]);
        }
        assertEquals(new Answer(202, "reload scheduled", ""),
                strip(send("POST", "/reload", null, Optional.of(basic("admin:secret")))));
        assertEquals(1, ops.reloads.get());
        assertEquals(200, RawHttp.code(RawHttp.bare(port, "GET", "/patroni")), "reads stay open");
    }

    // ---- §7.5 switchover / failover validation --------------------------------------------------

    @Test
    void switchoverAndFailoverValidationMessages() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("POST /failover {\"leader\":\"pg-node1\"}", "400 Failover could be performed only to a specific candidate");
        cases.put("POST /failover {\"candidate\":\"\",\"scheduled_at\":\"2030-01-01T00:00+00:00\"}",
                "400 Failover could be performed only to a specific candidate");
        cases.put("POST /switchover {\"candidate\":\"pg-node2\"}",
                "400 Switchover could be performed only from a specific leader");
        cases.put("POST /switchover {\"leader\":null,\"candidate\":\"pg-node2\",\"scheduled_at\":null}",
                "400 Switchover could be performed only from a specific leader");
        cases.put("POST /failover {\"candidate\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T00:00+00:00\"}",
                "400 Failover can't be scheduled");
        cases.put("POST /switchover {\"leader\":\"pg-node1\",\"scheduled_at\":\"2030-01-01T00:00\"}",
                "400 Timezone information is mandatory for the scheduled switchover");
        cases.put("POST /switchover {\"leader\":\"pg-node1\",\"scheduled_at\":\"2020-01-01T00:00Z\"}",
                "422 Cannot schedule switchover in the past");
        cases.put("POST /switchover {\"leader\":\"pg-node1\",\"scheduled_at\":\"next tuesday\"}",
                "422 Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601");
        cases.put("POST /switchover {\"leader\":\"pg-node1\",\"candidate\":\"pg-node1\"}",
                "400 Switchover target and source are the same");
        cases.put("POST /failover {\"leader\":\"pg-node2\",\"candidate\":\"pg-node2\"}",
                "400 Switchover target and source are the same");
        cases.put("POST /switchover {\"leader\":\"pg-node2\",\"candidate\":\"pg-node3\"}",
                "412 leader name does not match");
        cases.put("POST /switchover {\"leader\":\"pg-node1\",\"candidate\":\"pg-node9\"}",
                "412 candidate does not exists");
        cases.put("POST /failover {\"candidate\":\"pg-node9\"}", "412 candidate does not exists");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String[] parts = c.getKey().split(" ", 3);
            Answer a = send(parts[0], parts[1], parts[2]);
            assertEquals(c.getValue(), a.code() + " " + a.body(), c.getKey());
            assertTrue(a.raw().contains("\r\nContent-Type: text/html\r\n"), a.raw());
        }
        assertTrue(ops.failoverWrites.isEmpty());
    }

    @Test
    void pausedClusterRules() throws Exception {
        ClusterView paused = plain().config("{\"pause\":true}").view();
        start(new FakeOperations(paused));
        Answer scheduled = send("POST", "/switchover",
                "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T00:00+00:00\"}");
        assertEquals("400 Can't schedule switchover in the paused state", scheduled.code() + " " + scheduled.body());
        Answer any = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("400 Switchover is possible only to a specific candidate in a paused state",
                any.code() + " " + any.body());
    }

    @Test
    void feasibilityInSynchronousMode() throws Exception {
        FakeOperations ops = new FakeOperations(ClusterFixtures.batman(true).view());
        start(ops);
        Answer async = send("POST", "/switchover", "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node3\"}");
        assertEquals("412 candidate name does not match with sync_standby", async.code() + " " + async.body());
        ops.unusable.add("pg-node2");
        Answer none = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("412 switchover is not possible: no good candidates have been found",
                none.code() + " " + none.body());
        assertEquals(List.of("pg-node2"), ops.peerQueries.get(0), "only the sync standby is asked");

        ops.script = List.of(ClusterFixtures.batman(true).sync("{\"leader\":\"pg-node1\",\"sync_standby\":null}").view());
        Answer noSync = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("412 switchover is not possible: can not find sync_standby", noSync.code() + " " + noSync.body());
    }

    @Test
    void feasibilityWithoutOtherMembers() throws Exception {
        FakeOperations ops = new FakeOperations(ClusterFixtures.cluster().config("{}").leader("pg-node1")
                .member("pg-node1", member("10.0.0.1", "primary")).view());
        start(ops);
        Answer a = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("412 switchover is not possible: cluster does not have members except leader",
                a.code() + " " + a.body());
    }

    // ---- §7.5 outcomes ----------------------------------------------------------------------------

    @Test
    void switchoverSucceedsWhenTheLockMoves() throws Exception {
        ClusterView before = plain().view();
        ClusterView requested = plain().failover("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\"}").view();
        ClusterView unlocked = leaderless().failover("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\"}").view();
        ClusterView after = plain().leader("pg-node2").view();
        FakeOperations ops = new FakeOperations(before, requested, unlocked, after);
        start(ops);
        Answer a = send("POST", "/switchover", "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node2\"}");
        assertEquals("200 Successfully switched over to \"pg-node2\"", a.code() + " " + a.body());
        assertEquals(List.of(new FakeOperations.Write("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\"}",
                OptionalLong.empty())), ops.failoverWrites);
        assertEquals(1, ops.wakeups.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), pauses);
        assertEquals(List.of(List.of("pg-node2")), ops.peerQueries);
    }

    @Test
    void switchoverToAnyoneAndToSomeoneElse() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view(), plain().leader("pg-node3").view());
        start(ops);
        Answer any = send("POST", "/switchover", "{\"leader\":\"pg-node1\",\"candidate\":null,\"scheduled_at\":null}");
        assertEquals("200 Successfully switched over to \"pg-node3\"", any.code() + " " + any.body());
        assertEquals("{\"leader\":\"pg-node1\"}", ops.failoverWrites.get(0).json());
        assertEquals(List.of("pg-node2", "pg-node3"), ops.peerQueries.get(0));

        ops.reads.set(0);
        Answer other = send("POST", "/switchover", "{\"leader\":\"pg-node1\",\"member\":\"pg-node2\"}");
        assertEquals("200 Switched over to \"pg-node3\" instead of \"pg-node2\"", other.code() + " " + other.body());
    }

    @Test
    void switchoverFailsWhenTheRequestVanishes() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view(),
                plain().failover("{\"leader\":\"pg-node1\"}").view(), plain().view());
        start(ops);
        Answer a = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("503 Switchover failed", a.code() + " " + a.body());
        assertEquals(2, pauses.size());
    }

    @Test
    void statusUnknownAfterTwiceMaxTenLoopWait() throws Exception {
        ClusterView pending = plain().failover("{\"leader\":\"pg-node1\"}").view();
        FakeOperations ops = new FakeOperations(plain().view(), pending);
        start(ops);
        Answer a = send("POST", "/switchover", "{\"leader\":\"pg-node1\"}");
        assertEquals("503 Switchover status unknown", a.code() + " " + a.body());
        assertEquals(20, pauses.size());

        pauses.clear();
        ops.reads.set(0);
        ops.loopWait = 15;
        ops.script = List.of(plain().view(), pending, pending); // DCS errors in between are ignored
        assertEquals(503, send("POST", "/switchover", "{\"leader\":\"pg-node1\"}").code());
        assertEquals(30, pauses.size());
    }

    @Test
    void failoverWithoutLeader() throws Exception {
        ClusterView requested = leaderless().failover("{\"member\":\"pg-node2\"}").view();
        FakeOperations ops = new FakeOperations(leaderless().view(), requested, leaderless().leader("pg-node2").view());
        start(ops);
        Answer a = send("POST", "/failover", "{\"candidate\":\"pg-node2\"}");
        assertEquals("200 Successfully failed over to \"pg-node2\"", a.code() + " " + a.body());
        assertEquals("{\"member\":\"pg-node2\"}", ops.failoverWrites.get(0).json());
        assertEquals(List.of("pg-node2"), ops.peerQueries.get(0));

        ops.reads.set(0);
        ops.script = List.of(leaderless().view(), requested, leaderless().leader("pg-node3").view());
        Answer other = send("POST", "/failover", "{\"candidate\":\"pg-node2\"}");
        assertEquals("200 Failed over to \"pg-node3\" instead of \"pg-node2\"", other.code() + " " + other.body());

        ops.reads.set(0);
        ops.script = List.of(leaderless().view(), leaderless().view());
        assertEquals("503 Failover failed", text(send("POST", "/failover", "{\"member\":\"pg-node2\"}")));
    }

    @Test
    void failoverNamingALeaderIsASwitchover() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view(), plain().view());
        start(ops);
        // the 3.0.2 client's body
        assertEquals("503 Switchover failed",
                text(send("POST", "/failover", "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node2\",\"scheduled_at\":null}")));
        ops.reads.set(0);
        ops.unusable.add("pg-node2");
        assertEquals("412 switchover is not possible: no good candidates have been found",
                text(send("POST", "/failover", "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node2\"}")));
    }

    @Test
    void scheduledSwitchover() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        assertEquals("202 Switchover scheduled", text(send("POST", "/switchover",
                "{\"leader\":\"pg-node1\",\"candidate\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T12:00:00+00:00\"}")));
        assertEquals("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T12:00:00+00:00\"}",
                ops.failoverWrites.get(0).json());
        assertTrue(ops.peerQueries.isEmpty(), "no feasibility check for a scheduled switchover");
        assertEquals("202 Switchover scheduled", text(send("POST", "/switchover",
                "{\"leader\":\"pg-node1\",\"scheduled_at\":\"2030-01-01 14:30:15.5+0200\"}")));
        assertEquals("{\"leader\":\"pg-node1\",\"scheduled_at\":\"2030-01-01T14:30:15.500000+02:00\"}",
                ops.failoverWrites.get(1).json());
        assertTrue(pauses.isEmpty());
        assertEquals(2, ops.wakeups.get());
    }

    @Test
    void failoverKeyWriteFailure() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        ops.writeFailoverOk = false;
        start(ops);
        assertEquals("503 failed to write failover key into DCS",
                text(send("POST", "/switchover", "{\"leader\":\"pg-node1\"}")));
        assertEquals(0, ops.wakeups.get());
    }

    @Test
    void dcsUnreachable() throws Exception {
        start(new FakeOperations());
        assertEquals(503, send("POST", "/switchover", "{\"leader\":\"pg-node1\"}").code());
        assertEquals(503, send("PATCH", "/config", "{\"a\":1}").code());
    }

    // ---- §7.6 DELETE /switchover -----------------------------------------------------------------

    @Test
    void deleteScheduledSwitchover() throws Exception {
        FakeOperations ops = new FakeOperations(plain().failover("{\"leader\":\"pg-node1\"}").view());
        start(ops);
        assertEquals("404 no switchover is scheduled", text(send("DELETE", "/switchover", null)));
        ops.script = List.of(plain().failover(
                "{\"leader\":\"pg-node1\",\"scheduled_at\":\"2030-01-01T12:00:00+00:00\"}").view());
        assertEquals("200 scheduled switchover deleted", text(send("DELETE", "/switchover", null)));
        assertEquals(new FakeOperations.Write("{}", OptionalLong.of(20)), ops.failoverWrites.get(0));
        ops.writeFailoverOk = false;
        Answer conflict = send("DELETE", "/switchover", null);
        assertEquals(409, conflict.code());
        assertTrue(conflict.raw().contains("Content-Type: text/html;charset=utf-8"), "an error page");
    }

    // ---- §6 config -------------------------------------------------------------------------------

    @Test
    void patchConfigMergesAndWritesWithCas() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        Answer a = send("PATCH", "/config",
                "{\"ttl\":null,\"loop_wait\":\"5\",\"pause\":true,\"postgresql\":{\"parameters\":{\"max_connections\":\"101\",\"work_mem\":\"8MB\"}}}");
        assertEquals(200, a.code());
        assertEquals("{\"loop_wait\": \"5\", \"postgresql\": {\"parameters\": {\"max_connections\": \"101\", "
                + "\"work_mem\": \"8MB\"}}, \"pause\": true}", a.body());
        assertTrue(a.raw().contains("Content-Type: application/json"));
        assertEquals(List.of(new FakeOperations.Write("{\"loop_wait\":\"5\",\"postgresql\":{\"parameters\":"
                + "{\"max_connections\":\"101\",\"work_mem\":\"8MB\"}},\"pause\":true}", OptionalLong.of(2))),
                ops.configWrites);
        assertEquals(1, ops.wakeups.get());
    }

    @Test
    void patchConfigRefusesWhatTheNodeCouldNotApply() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        for (String body : List.of("{\"retry_timeout\":1500000000}", "{\"ttl\":\"abc\"}", "{\"failsafe_mode\":true}",
                "{\"synchronous_mode\":\"quorum\"}", "{\"postgresql\":{\"parameters\":{\"a\\nstatement_timeout\":1}}}",
                "{\"postgresql\":{\"parameters\":{\"work_mem\":\"1MB\\n\"}}}")) {
            Answer a = send("PATCH", "/config", body);
            assertEquals(400, a.code(), body);
            assertTrue(a.raw().contains("Content-Type: application/json"), a.raw());
            assertTrue(a.body().contains("invalid dynamic configuration"), a.body());
        }
        Answer ttl = send("PATCH", "/config", "{\"ttl\":\"abc\"}");
        assertTrue(ttl.body().contains("ttl \\\"abc\\\" is not an integer number of seconds"), ttl.body());
        Answer retry = send("PUT", "/config", "{\"retry_timeout\":1500000000}");
        assertEquals(400, retry.code());
        assertTrue(retry.body().contains("retry_timeout 1500000000 is above the maximum"), retry.body());
        assertTrue(ops.configWrites.isEmpty(), "nothing stored");
        assertEquals(200, send("PATCH", "/config", "{\"retry_timeout\":5}").code());
        assertEquals(1, ops.configWrites.size());
    }

    @Test
    void patchConfigWithoutChangeWritesNothing() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        Answer a = send("PATCH", "/config", "{\"loop_wait\":\"10\",\"nothing\":null,"
                + "\"postgresql\":{\"parameters\":{\"max_connections\":100}}}");
        assertEquals(200, a.code());
        assertEquals("{\"ttl\": 30, \"loop_wait\": 10, \"postgresql\": {\"parameters\": {\"max_connections\": 100}}}",
                a.body());
        assertTrue(ops.configWrites.isEmpty());
        assertEquals(1, ops.wakeups.get(), "the loop is woken anyway");
    }

    @Test
    void patchConfigConflictAndMissingKey() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        ops.writeConfigOk = false;
        start(ops);
        Answer conflict = send("PATCH", "/config", "{\"pause\":true}");
        assertEquals(409, conflict.code());
        assertTrue(conflict.raw().contains("Content-Type: text/html;charset=utf-8"));
        ops.script = List.of(leaderless().config(null).view());
        assertEquals(503, send("PATCH", "/config", "{\"pause\":true}").code());
    }

    @Test
    void putConfigReplacesUnlessEqual() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        Answer same = send("PUT", "/config",
                "{\"loop_wait\":\"10\",\"ttl\":30,\"postgresql\":{\"parameters\":{\"max_connections\":\"100\"}}}");
        assertEquals(200, same.code());
        assertEquals("{\"loop_wait\": \"10\", \"ttl\": 30, \"postgresql\": {\"parameters\": {\"max_connections\": \"100\"}}}",
                same.body(), "echoes the request");
        assertTrue(ops.configWrites.isEmpty());
        assertEquals(200, send("PUT", "/config", "{\"ttl\":20}").code());
        assertEquals(new FakeOperations.Write("{\"ttl\":20}", OptionalLong.empty()), ops.configWrites.get(0));
        ops.writeConfigOk = false;
        assertEquals(502, send("PUT", "/config", "{\"ttl\":25}").code());
        ops.writeConfigOk = true;
        ops.script = List.of(leaderless().config(null).view());
        assertEquals(200, send("PUT", "/config", "{\"ttl\":30}").code(), "a missing key is simply written");
    }

    // ---- §7.1-§7.4 -------------------------------------------------------------------------------

    @Test
    void restartFilters() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"role\":\"leader\"}", "400 PostgreSQL role should be either primary, standby_leader, or replica");
        cases.put("{\"postgres_version\":\"abc\"}", "400 Invalid PostgreSQL version: abc");
        cases.put("{\"postgres_version\":\"9.6\"}",
                "400 Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 9.6");
        cases.put("{\"postgres_version\":\"16\"}",
                "400 Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 16");
        cases.put("{\"timeout\":0}", "400 Timeout should be a positive number of seconds");
        cases.put("{\"timeout\":\"soon\"}", "400 Timeout should be a positive number of seconds");
        cases.put("{\"foo\":1}", "400 Unknown filter for the scheduled restart: foo");
        cases.put("{\"foo\":1,\"role\":\"x\"}", "400 Unknown filter for the scheduled restart: foo");
        cases.put("{\"role\":\"x\",\"foo\":1}", "400 PostgreSQL role should be either primary, standby_leader, or replica");
        cases.put("{\"schedule\":\"2030-01-01T00:00\"}", "400 Timezone information is mandatory for the scheduled restart");
        cases.put("{\"schedule\":\"2020-01-01T00:00+00:00\"}", "422 Cannot schedule restart in the past");
        cases.put("{\"schedule\":\"later\"}",
                "422 Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertEquals(c.getValue(), text(send("POST", "/restart", c.getKey())), c.getKey());
        }
        assertTrue(ops.restarts.isEmpty());

        assertEquals("200 restarted successfully", text(send("POST", "/restart",
                "{\"role\":\"primary\",\"postgres_version\":\"16.5\",\"timeout\":\"2min\",\"restart_pending\":true}")));
        assertEquals(new NodeOperations.RestartRequest(Optional.of("primary"), Optional.of("16.5"),
                Optional.of(Duration.ofMinutes(2)), true), ops.restarts.get(0));
        ops.restartOutcome = new NodeOperations.Outcome(false, "restart conditions are not satisfied");
        assertEquals("503 restart conditions are not satisfied", text(send("POST", "/restart", "{\"timeout\":30}")));
        assertEquals(Optional.of(Duration.ofSeconds(30)), ops.restarts.get(1).timeout());
        ops.restartThrows = new IllegalStateException("boom");
        assertEquals("400 restart failed", text(send("POST", "/restart", null)));
    }

    @Test
    void scheduledRestarts() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        assertEquals("202 Restart scheduled",
                text(send("POST", "/restart", "{\"schedule\":\"2030-01-01T10:00:00+00:00\",\"postgres_version\":\"16.5\"}")));
        assertEquals(OffsetDateTime.parse("2030-01-01T10:00:00+00:00"), ops.scheduledAt);
        assertEquals(Optional.of("16.5"), ops.scheduledFilters.postgresVersion());
        assertTrue(ops.restarts.isEmpty());
        ops.scheduleOk = false;
        assertEquals("409 Another restart is already scheduled",
                text(send("POST", "/restart", "{\"schedule\":\"2030-01-01T10:00:00+00:00\"}")));
        ops.paused = true;
        assertEquals("500 Can't schedule restart in the paused state",
                text(send("POST", "/restart", "{\"role\":\"x\",\"schedule\":\"garbage\"}")));
        assertEquals("200 scheduled restart deleted", text(send("DELETE", "/restart", null)));
        ops.cancelOk = false;
        assertEquals("404 no restarts are scheduled", text(send("DELETE", "/restart", null)));
    }

    @Test
    void reinitialize() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        start(ops);
        assertEquals("200 reinitialize started", text(send("POST", "/reinitialize", "{\"force\":\"Yes\",\"from_leader\":\"off\"}")));
        assertEquals("force=true from_leader=false", ops.reinitArgs);
        assertEquals("200 reinitialize started", text(send("POST", "/reinitialize", "{\"from_leader\":1,\"from-leader\":0}")));
        assertEquals("force=false from_leader=true", ops.reinitArgs);
        ops.reinitOutcome = new NodeOperations.Outcome(false, "I am the leader, can not reinitialize");
        assertEquals("503 I am the leader, can not reinitialize", text(send("POST", "/reinitialize", null)));
    }

    @Test
    void statusDocumentShowsScheduledRestartAndPause() throws Exception {
        FakeOperations ops = new FakeOperations(plain().view());
        Map<String, Object> schedule = new java.util.LinkedHashMap<>();
        schedule.put("schedule", "2030-01-01T10:00:00+00:00");
        schedule.put("postgres_version", "16.5");
        ops.scheduledRestart = Optional.of(schedule);
        ops.paused = true;
        start(ops);
        String body = RawHttp.body(RawHttp.bare(port, "GET", "/patroni"));
        assertTrue(body.contains("\"pause\": true"), body);
        assertTrue(body.contains("\"scheduled_restart\": {\"schedule\": \"2030-01-01T10:00:00+00:00\", "
                + "\"postgres_version\": \"16.5\"}, \"patroni\": "), body);
        String health = RawHttp.body(RawHttp.bare(port, "GET", "/primary"));
        assertTrue(health.contains("\"scheduled_restart\""), health);
        ops.paused = false;
        ops.scheduledRestart = Optional.empty();
        body = RawHttp.body(RawHttp.bare(port, "GET", "/patroni"));
        assertFalse(body.contains("pause") || body.contains("scheduled_restart"), body);
    }

    @Test
    void readOnlyServerRefusesWrites() throws Exception {
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("pg-node1"), Optional.empty());
        server.start();
        port = server.port();
        assertEquals(501, send("POST", "/switchover", "{\"leader\":\"pg-node1\"}").code());
    }

    private static String text(Answer a) {
        return a.code() + " " + a.body();
    }
}
