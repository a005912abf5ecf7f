package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jpatroni.core.ctl.HttpMemberApi;
import io.jpatroni.core.ctl.MemberApi;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** jpatronictl's HTTP client against the real server: paths, bodies and basic auth meet in the middle. */
class CtlOverHttpTest {

    private RestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void clientAndServerAgree() throws Exception {
        FakeOperations ops = new FakeOperations(WriteEndpointsTest.plain().view(),
                WriteEndpointsTest.plain().leader("pg-node2").view());
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("pg-node1"), Optional.of("admin:secret"),
                Optional.of(ops), d -> { }, Clock.fixed(Instant.parse("2029-06-01T00:00:00Z"), ZoneOffset.UTC));
        server.start();
        String apiUrl = "http://127.0.0.1:" + server.port() + "/patroni";

        MemberApi api = new HttpMemberApi(Optional.of("admin:secret"), false);
        assertEquals(new MemberApi.Response(202, "reload scheduled"), api.call(apiUrl, "POST", "reload", Optional.empty()));
        assertEquals(new MemberApi.Response(200, "Successfully switched over to \"pg-node2\""), api.call(apiUrl, "POST",
                "switchover", Optional.of("{\"candidate\": \"pg-node2\", \"leader\": \"pg-node1\"}")));
        assertEquals(200, api.call(apiUrl, "PATCH", "config", Optional.of("{\"pause\": true}")).status());
        assertEquals(200, api.call(apiUrl, "GET", "patroni", Optional.empty()).status());
        assertEquals(new MemberApi.Response(404, "no restarts are scheduled"), callAfterCancelFails(api, apiUrl, ops));

        MemberApi anonymous = new HttpMemberApi(Optional.empty(), false);
        assertEquals(new MemberApi.Response(401, "no auth header received"),
                anonymous.call(apiUrl, "POST", "reload", Optional.empty()));
        MemberApi wrong = new HttpMemberApi(Optional.of("admin:nope"), false);
        assertEquals(401, wrong.call(apiUrl, "POST", "restart", Optional.of("{}")).status());
        assertEquals(1, ops.reloads.get());
    }

    private static MemberApi.Response callAfterCancelFails(MemberApi api, String apiUrl, FakeOperations ops)
            throws Exception {
        ops.cancelOk = false;
        return api.call(apiUrl, "DELETE", "restart", Optional.empty());
    }

    @Test
    void unreachableMemberIsAnIoException() throws IOException {
        MemberApi api = new HttpMemberApi(Optional.empty(), false);
        int port = io.jpatroni.testing.FreePorts.next();
        assertThrows(IOException.class, () -> api.call("http://127.0.0.1:" + port + "/patroni", "POST", "reload",
                Optional.empty()));
        assertThrows(IOException.class, () -> api.call("not a url", "GET", "patroni", Optional.empty()));
    }
}
