package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceActionTest {

    private static final String RUNNING_PRIMARY = "{\"conn_url\":\"postgres://10.0.0.11:5433/postgres\","
            + "\"api_url\":\"https://10.0.0.11:8008/patroni\",\"state\":\"running\",\"role\":\"primary\"}";

    private static ConsulDcsConfig config(Map<String, Object> options) throws DcsException {
        return ConsulDcsConfig.parse(options);
    }

    @Test
    void serviceNamesFollowPatronisRule() {
        assertEquals("pg-main", ServiceName.of("PG_main"));
        assertEquals("a-b-c", ServiceName.of("a.b c"));
        assertEquals("au0043b", ServiceName.of("a+b"));
        assertEquals("u26481u20140", ServiceName.of("東京"));
        assertEquals(230, ServiceName.of("x".repeat(300)).length());
    }

    @Test
    void aRunningPrimaryIsRegisteredWithItsRoleTagsAndAnHttpCheck() throws DcsException {
        ServiceAction action = ServiceAction.decide(RUNNING_PRIMARY, "Main.Cluster", "n1",
                config(Map.of("service_tags", List.of("dc1"), "service_check_tls_server_name", "pg.example")),
                Duration.ofSeconds(15));
        ServiceAction.Register r = assertInstanceOf(ServiceAction.Register.class, action);
        assertEquals("Main.Cluster/n1", r.id());
        assertEquals("main-cluster", r.name());
        assertEquals(List.of("dc1", "primary", "master"), r.tags());
        assertEquals("10.0.0.11", r.address());
        assertEquals(5433, r.port());
        assertEquals("https://10.0.0.11:8008/primary", r.checkUrl());
        assertEquals("5s", r.interval());
        assertEquals("150s", r.deregisterAfter(), "10 × the session TTL (= 5 × ttl)");
        Map<?, ?> check = (Map<?, ?>) r.body().get("Check");
        assertEquals("pg.example", check.get("TLSServerName"));
        assertEquals(true, r.body().get("EnableTagOverride"));
    }

    @Test
    void rolesAndStates() throws DcsException {
        ConsulDcsConfig c = config(Map.of());
        Duration ttl = Duration.ofSeconds(15);
        ServiceAction.Register standby = assertInstanceOf(ServiceAction.Register.class, ServiceAction.decide(
                RUNNING_PRIMARY.replace("\"primary\"", "\"standby_leader\""), "c", "n1", c, ttl));
        assertEquals(List.of("standby-leader"), standby.tags());
        assertEquals("https://10.0.0.11:8008/standby-leader", standby.checkUrl());
        ServiceAction.Register master = assertInstanceOf(ServiceAction.Register.class, ServiceAction.decide(
                RUNNING_PRIMARY.replace("\"primary\"", "\"master\""), "c", "n1", c, ttl));
        assertEquals(List.of("primary", "master"), master.tags());

        assertEquals(new ServiceAction.Deregister("c/n1"),
                ServiceAction.decide(RUNNING_PRIMARY.replace("running", "stopped"), "c", "n1", c, ttl));
        assertEquals(new ServiceAction.Ignore(Optional.empty()),
                ServiceAction.decide(RUNNING_PRIMARY.replace("running", "starting"), "c", "n1", c, ttl));
        ServiceAction.Ignore unknown = assertInstanceOf(ServiceAction.Ignore.class,
                ServiceAction.decide(RUNNING_PRIMARY.replace("\"primary\"", "\"uninitialized\""), "c", "n1", c, ttl));
        assertTrue(unknown.warning().orElseThrow().contains("unknown role type uninitialized"));
        assertInstanceOf(ServiceAction.Ignore.class, ServiceAction.decide("not json", "c", "n1", c, ttl));
    }
}
