package io.jpatroni.testing.consul;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The emulator's semantics, checked against what Consul's HTTP API documentation promises. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsulEmulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ConsulEmulator consul;

    @BeforeEach
    void start() throws IOException {
        consul = ConsulEmulator.launch(ConsulEmulator.Options.defaults().withSessionTtlMin(Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private record Answer(int status, String body, long index) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, Map.of());
    }

    private Answer send(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consul.uri() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, UTF_8));
        headers.forEach(b::header);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        long index = r.headers().firstValue("X-Consul-Index").map(Long::parseLong).orElse(-1L);
        return new Answer(r.statusCode(), r.body(), index);
    }

    private String session(String ttl, String behavior, String lockDelay) throws Exception {
        Answer a = send("PUT", "/v1/session/create", "{\"Name\":\"t\",\"TTL\":\"" + ttl + "\",\"Behavior\":\"" + behavior
                + "\",\"LockDelay\":\"" + lockDelay + "\",\"Checks\":[]}");
        assertEquals(200, a.status(), a.body());
        return a.json().get("ID").asText();
    }

    private static String decode(JsonNode entry) {
        return entry.get("Value").isNull() ? "" : new String(Base64.getDecoder().decode(entry.get("Value").asText()), UTF_8);
    }

    @Test
    void putAndGetKeepBytesAndReportModifyIndex() throws Exception {
        assertEquals("true", send("PUT", "/v1/kv/service/c/members/n%C3%B6de", "{\"tags\":\"東京\"}").body());
        Answer get = send("GET", "/v1/kv/service/c/members/n%C3%B6de", null);
        assertEquals(200, get.status());
        JsonNode entry = get.json().get(0);
        assertEquals("service/c/members/nöde", entry.get("Key").asText());
        assertEquals("{\"tags\":\"東京\"}", decode(entry));
        assertEquals(entry.get("CreateIndex").asLong(), entry.get("ModifyIndex").asLong());
        assertEquals(entry.get("ModifyIndex").asLong(), get.index(), "single-key reads answer the key's ModifyIndex");
        assertFalse(entry.has("Session"), "Session appears only on locked keys");

        assertEquals("true", send("PUT", "/v1/kv/service/c/initialize", "").body());
        assertTrue(send("GET", "/v1/kv/service/c/initialize", null).json().get(0).get("Value").isNull(),
                "an empty value is null in Consul's JSON");

        Answer missing = send("GET", "/v1/kv/service/c/nothing", null);
        assertEquals(404, missing.status());
        assertTrue(missing.index() > 0, "404 still carries X-Consul-Index");
    }

    @Test
    void casCreatesOnlyIfAbsentAndUpdatesOnlyAtTheReadIndex() throws Exception {
        assertEquals("true", send("PUT", "/v1/kv/k?cas=0", "a").body());
        assertEquals("false", send("PUT", "/v1/kv/k?cas=0", "b").body());
        long index = send("GET", "/v1/kv/k", null).index();
        assertEquals("false", send("PUT", "/v1/kv/k?cas=" + (index - 1), "c").body());
        assertEquals("true", send("PUT", "/v1/kv/k?cas=" + index, "d").body());
        assertEquals("false", send("PUT", "/v1/kv/k?cas=" + index, "e").body(), "the index moved with the write");
        long now = send("GET", "/v1/kv/k", null).index();
        assertEquals("d", decode(send("GET", "/v1/kv/k", null).json().get(0)));

        assertEquals("false", send("DELETE", "/v1/kv/k?cas=" + index, null).body());
        assertEquals("true", send("DELETE", "/v1/kv/k?cas=" + now, null).body());
        assertEquals(404, send("GET", "/v1/kv/k", null).status());
        // Consul's state store: a CAS delete of a key that is not there reports success.
        assertEquals("true", send("DELETE", "/v1/kv/k?cas=" + now, null).body());
    }

    @Test
    void recurseListsOnlyThePrefixAndDeletesIt() throws Exception {
        send("PUT", "/v1/kv/service/a/leader", "n1");
        send("PUT", "/v1/kv/service/a/members/n1", "{}");
        send("PUT", "/v1/kv/service/ab/leader", "other");
        Answer list = send("GET", "/v1/kv/service/a/?recurse", null);
        assertEquals(2, list.json().size());
        long max = 0;
        for (JsonNode e : list.json()) {
            assertTrue(e.get("Key").asText().startsWith("service/a/"));
            max = Math.max(max, e.get("ModifyIndex").asLong());
        }
        assertEquals(max, list.index());

        send("DELETE", "/v1/kv/service/a/members/n1", null);
        Answer after = send("GET", "/v1/kv/service/a/?recurse", null);
        assertEquals(1, after.json().size());
        assertTrue(after.index() > max, "a tombstone under the prefix raises the list index");

        assertEquals("true", send("DELETE", "/v1/kv/service/a/?recurse", null).body());
        assertEquals(404, send("GET", "/v1/kv/service/a/?recurse", null).status());
        assertEquals(200, send("GET", "/v1/kv/service/ab/leader", null).status());
        assertEquals(301, send("GET", "/v1/kv//service/a/leader", null).status(), "unclean paths are redirected");
    }

    @Test
    void acquireIsALockAndReleaseFreesIt() throws Exception {
        String s1 = session("10s", "delete", "1ms");
        String s2 = session("10s", "delete", "1ms");
        assertEquals("true", send("PUT", "/v1/kv/lock?acquire=" + s1, "n1").body());
        JsonNode held = send("GET", "/v1/kv/lock", null).json().get(0);
        assertEquals(s1, held.get("Session").asText());
        assertEquals(1, held.get("LockIndex").asLong());

        assertEquals("false", send("PUT", "/v1/kv/lock?acquire=" + s2, "n2").body());
        assertEquals("true", send("PUT", "/v1/kv/lock?acquire=" + s1, "n1b").body(), "the holder may rewrite");
        JsonNode rewritten = send("GET", "/v1/kv/lock", null).json().get(0);
        assertEquals("n1b", decode(rewritten));
        assertEquals(1, rewritten.get("LockIndex").asLong());

        assertEquals("false", send("PUT", "/v1/kv/lock?release=" + s2, "x").body());
        assertEquals("true", send("PUT", "/v1/kv/lock?release=" + s1, "free").body());
        assertFalse(send("GET", "/v1/kv/lock", null).json().get(0).has("Session"));
        assertEquals("true", send("PUT", "/v1/kv/lock?acquire=" + s2, "n2").body());
        assertEquals(2, send("GET", "/v1/kv/lock", null).json().get(0).get("LockIndex").asLong());

        Answer unknown = send("PUT", "/v1/kv/other?acquire=00000000-0000-0000-0000-000000000000", "x");
        assertEquals(500, unknown.status());
        assertTrue(unknown.body().contains("invalid session"), unknown.body());
    }

    @Test
    void aSessionLivesTwiceItsTtlAndThenDeletesItsKeys() throws Exception {
        String s = session("1s", "delete", "1ms");
        long created = System.nanoTime();
        assertEquals("true", send("PUT", "/v1/kv/service/c/leader?acquire=" + s, "n1").body());
        assertEquals("true", send("PUT", "/v1/kv/service/c/members/n1?acquire=" + s, "{}").body());
        send("PUT", "/v1/kv/service/c/config", "{}");

        TimeUnit.MILLISECONDS.sleep(1500); // past the TTL, before 2 × TTL: still valid
        assertTrue(System.nanoTime() - created < Duration.ofMillis(1950).toNanos(), "test machine too slow");
        assertEquals(200, send("GET", "/v1/kv/service/c/leader", null).status(), "invalidated before 2 × TTL");

        awaitStatus("/v1/kv/service/c/leader", 404, Duration.ofSeconds(3));
        long goneMs = (System.nanoTime() - created) / 1_000_000;
        assertTrue(goneMs >= 2000, "invalidated after " + goneMs + " ms");
        assertEquals(404, send("GET", "/v1/kv/service/c/members/n1", null).status(), "both keys go together");
        assertEquals(200, send("GET", "/v1/kv/service/c/config", null).status(), "unlocked keys stay");
        Answer renew = send("PUT", "/v1/session/renew/" + s, null);
        assertEquals(404, renew.status());
        assertTrue(renew.body().contains("not found"), renew.body());
        assertEquals("[]", send("GET", "/v1/session/info/" + s, null).body());
        assertTrue(consul.invalidations().contains(s + " ttl"));
    }

    @Test
    void behaviorReleaseKeepsTheKeysButUnlocksThem() throws Exception {
        String s = session("1s", "release", "1ms");
        assertEquals("true", send("PUT", "/v1/kv/lock?acquire=" + s, "n1").body());
        assertEquals("true", send("PUT", "/v1/session/destroy/" + s, null).body());
        JsonNode entry = send("GET", "/v1/kv/lock", null).json().get(0);
        assertFalse(entry.has("Session"));
        assertEquals("n1", decode(entry));
    }

    @Test
    void renewalKeepsASessionAlivePastItsTtl() throws Exception {
        String s = session("1s", "delete", "1ms");
        send("PUT", "/v1/kv/lock?acquire=" + s, "n1");
        long end = System.nanoTime() + Duration.ofMillis(3500).toNanos();
        while (System.nanoTime() < end) {
            Answer renewed = send("PUT", "/v1/session/renew/" + s, null);
            assertEquals(200, renewed.status());
            assertEquals(s, renewed.json().get(0).get("ID").asText());
            assertEquals("1s", renewed.json().get(0).get("TTL").asText());
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertEquals(s, send("GET", "/v1/kv/lock", null).json().get(0).get("Session").asText());
    }

    @Test
    void aTtlBelowTheAgentsMinimumIsRefusedWithTheRange() throws Exception {
        consul.setSessionTtlMin(Duration.ofSeconds(10));
        Answer refused = send("PUT", "/v1/session/create", "{\"TTL\":\"5s\",\"Behavior\":\"delete\"}");
        assertEquals(500, refused.status());
        assertEquals("Invalid Session TTL '5000000000', must be between [10s=24h0m0s]", refused.body());
        assertEquals("10s", send("GET", "/v1/agent/self", null).json().get("DebugConfig").get("SessionTTLMin").asText());
        assertEquals(200, send("PUT", "/v1/session/create", "{\"TTL\":\"10s\"}").status());
        assertEquals(500, send("PUT", "/v1/session/create", "{\"Behavior\":\"explode\"}").status());
        assertEquals(500, send("PUT", "/v1/session/create", "{\"Checks\":[\"nope\"]}").status());
    }

    @Test
    void lockDelayKeepsAnInvalidatedLockFromOthersForItsDuration() throws Exception {
        String slow = session("10s", "release", "1s");
        send("PUT", "/v1/kv/lock?acquire=" + slow, "a");
        send("PUT", "/v1/session/destroy/" + slow, null);
        String other = session("10s", "release", "1ms");
        assertEquals("false", send("PUT", "/v1/kv/lock?acquire=" + other, "b").body());
        TimeUnit.MILLISECONDS.sleep(1100);
        assertEquals("true", send("PUT", "/v1/kv/lock?acquire=" + other, "b").body());

        String quick = session("10s", "delete", "1ms");
        send("PUT", "/v1/kv/lock2?acquire=" + quick, "a");
        send("PUT", "/v1/session/destroy/" + quick, null);
        TimeUnit.MILLISECONDS.sleep(5);
        assertEquals("true", send("PUT", "/v1/kv/lock2?acquire=" + other, "b").body(), "1 ms lock-delay");
    }

    @Test
    void blockingQueriesWaitForAChangeOrTheirWait() throws Exception {
        send("PUT", "/v1/kv/leader", "n1");
        long index = send("GET", "/v1/kv/leader", null).index();

        long started = System.nanoTime();
        Answer unchanged = send("GET", "/v1/kv/leader?index=" + index + "&wait=800ms", null);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(index, unchanged.index());
        assertTrue(tookMs >= 800 && tookMs < 800 + 800 / 16 + 500, "blocked " + tookMs + " ms");

        // Writes to other keys do not end a blocking query on this one.
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return send("GET", "/v1/kv/leader?index=" + index + "&wait=10s", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TimeUnit.MILLISECONDS.sleep(300);
        send("PUT", "/v1/kv/members/n2", "{}");
        TimeUnit.MILLISECONDS.sleep(300);
        assertFalse(waiting.isDone());
        started = System.nanoTime();
        send("DELETE", "/v1/kv/leader", null);
        Answer woken = waiting.get(5, TimeUnit.SECONDS);
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1000);
        assertEquals(404, woken.status());
        assertTrue(woken.index() > index);

        // index=0 never blocks; a stale index answers at once.
        send("PUT", "/v1/kv/leader", "n2");
        started = System.nanoTime();
        assertEquals(200, send("GET", "/v1/kv/leader?index=" + index + "&wait=10s", null).status());
        assertTrue((System.nanoTime() - started) / 1_000_000 < 1000);
    }

    @Test
    void agentServicesRegisterAndDeregister() throws Exception {
        String body = "{\"ID\":\"c/n1\",\"Name\":\"c\",\"Tags\":[\"primary\",\"master\"],\"Address\":\"10.0.0.1\",\"Port\":5432,"
                + "\"Check\":{\"HTTP\":\"http://10.0.0.1:8008/primary\",\"Interval\":\"5s\","
                + "\"DeregisterCriticalServiceAfter\":\"150s\"},\"EnableTagOverride\":true}";
        assertEquals(200, send("PUT", "/v1/agent/service/register", body).status());
        JsonNode services = send("GET", "/v1/agent/services", null).json();
        assertEquals("c", services.get("c/n1").get("Service").asText());
        assertEquals(5432, services.get("c/n1").get("Port").asInt());
        assertEquals("http://10.0.0.1:8008/primary",
                send("GET", "/v1/agent/checks", null).json().get("service:c/n1").get("Definition").get("HTTP").asText());
        assertEquals(400, send("PUT", "/v1/agent/service/register", "{\"ID\":\"x\"}").status());
        assertEquals(400, send("PUT", "/v1/agent/service/register",
                "{\"Name\":\"x\",\"Check\":{\"HTTP\":\"http://h/\"}}").status(), "HTTP check needs an Interval");
        assertEquals(200, send("PUT", "/v1/agent/service/deregister/c/n1", null).status());
        assertEquals(404, send("PUT", "/v1/agent/service/deregister/c/n1", null).status());
        assertTrue(consul.services().isEmpty());
    }

    @Test
    void anAclTokenAndTheDatacenterAreEnforced() throws Exception {
        consul.close();
        consul = ConsulEmulator.launch(ConsulEmulator.Options.defaults().withAclToken("s3cret").withDatacenter("east"));
        assertEquals(403, send("GET", "/v1/kv/k", null).status());
        assertEquals(403, send("GET", "/v1/kv/k", null, Map.of("X-Consul-Token", "wrong")).status());
        assertEquals(404, send("GET", "/v1/kv/k", null, Map.of("X-Consul-Token", "s3cret")).status());
        assertEquals(404, send("GET", "/v1/kv/k?dc=east", null, Map.of("X-Consul-Token", "s3cret")).status());
        Answer elsewhere = send("GET", "/v1/kv/k?dc=west", null, Map.of("X-Consul-Token", "s3cret"));
        assertEquals(500, elsewhere.status());
        assertEquals("No path to datacenter", elsewhere.body());
    }

    @Test
    void stopStartKeepsTheDataAndFreezeAnswersNothing() throws Exception {
        send("PUT", "/v1/kv/k", "v");
        consul.stop();
        assertThrows(IOException.class, () -> send("GET", "/v1/kv/k", null));
        consul.start();
        assertEquals("v", decode(send("GET", "/v1/kv/k", null).json().get(0)));

        consul.freeze();
        HttpRequest request = HttpRequest.newBuilder(URI.create(consul.uri() + "/v1/kv/k"))
                .timeout(Duration.ofMillis(500)).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        consul.thaw();
        assertEquals(200, send("GET", "/v1/kv/k", null).status());
        assertArrayEquals("v".getBytes(UTF_8), consul.rawValue("k").orElseThrow());
    }

    @Test
    void unknownEndpointsAndMethodsAreRefused() throws Exception {
        assertEquals(404, send("GET", "/v1/catalog/services", null).status());
        assertEquals(405, send("POST", "/v1/kv/k", "x").status());
        assertNotEquals(200, send("GET", "/v1/session/create", null).status());
    }

    private void awaitStatus(String path, int status, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (send("GET", path, null).status() != status) {
            assertTrue(System.nanoTime() < end, path + " did not become " + status + " within " + limit);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
