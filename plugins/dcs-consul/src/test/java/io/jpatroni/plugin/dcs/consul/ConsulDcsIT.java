package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.testing.consul.ConsulEmulator;
import io.jpatroni.testing.consul.ConsulServerHandle;
import io.jpatroni.testing.consul.EmulatedConsul;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Consul-specific checks ({@link ConsulDcsContract}) against the in-process emulator, plus
 * what only the emulator can stage: the agent's default session TTL minimum, ACL tokens and
 * datacenters. The shared DCS contract runs in {@link ConsulContractIT}.
 */
class ConsulDcsIT extends ConsulDcsContract {

    @Override
    protected ConsulServerHandle startServer() throws Exception {
        // Like `consul agent -dev` started with session_ttl_min = "1s" (see ConsulAgentProcess).
        return EmulatedConsul.launch(Duration.ofSeconds(1));
    }

    private ConsulEmulator emulator() {
        return ((EmulatedConsul) server).emulator();
    }

    @Test
    void aSessionTtlBelowTheAgentsMinimumIsRaisedToIt() throws Exception {
        EmulatedConsul strict = EmulatedConsul.launch(ConsulEmulator.Options.defaults()); // SessionTTLMin 10s
        try {
            ConsulDcs node = open(strict.hostPort(), newScope(), "node", new DcsTiming(6, 1, 2), Map.of());
            assertTrue(node.touchMember("{}"), "the refused TTL was not adjusted");
            String session = node.currentSession().orElseThrow();
            assertEquals("10s", new RawConsul(strict.hostPort()).sessionInfo(session).orElseThrow().get("TTL").asText());
            assertEquals(Duration.ofSeconds(10), node.sessionTtl());
        } finally {
            strict.close();
        }
    }

    @Test
    void theTokenIsSentAndAWrongOneIsNotRetried() throws Exception {
        EmulatedConsul secured = EmulatedConsul.launch(ConsulEmulator.Options.defaults()
                .withSessionTtlMin(Duration.ofSeconds(1)).withAclToken("s3cret"));
        try {
            ConsulDcs good = open(secured.hostPort(), newScope(), "node", FAST, Map.of("token", "s3cret"));
            assertTrue(good.touchMember("{}"));
            assertTrue(good.attemptToAcquireLeader());
            assertEquals("node", good.getCluster().leader().orElseThrow().name());

            ConsulDcs bad = open(secured.hostPort(), newScope(), "node", FAST, Map.of("token", "wrong"));
            long started = System.nanoTime();
            DcsException error = assertThrows(DcsException.class, bad::getCluster);
            assertTrue(error.getMessage().contains("403"), error.getMessage());
            assertTrue((System.nanoTime() - started) / 1_000_000 < 1000, "a refusal must not be retried");
            assertFalse(bad.touchMember("{}"));
        } finally {
            secured.close();
        }
    }

    @Test
    void theDatacenterIsPassedOnEveryKvAndSessionRequest() throws Exception {
        EmulatedConsul east = EmulatedConsul.launch(ConsulEmulator.Options.defaults()
                .withSessionTtlMin(Duration.ofSeconds(1)).withDatacenter("east"));
        try {
            ConsulDcs here = open(east.hostPort(), newScope(), "node", FAST, Map.of("dc", "east"));
            assertTrue(here.touchMember("{}"));
            assertTrue(here.getCluster().member("node").isPresent());
            ConsulDcs elsewhere = open(east.hostPort(), newScope(), "node", FAST, Map.of("dc", "west"));
            DcsException error = assertThrows(DcsException.class, elsewhere::getCluster);
            assertTrue(error.getMessage().contains("No path to datacenter"), error.getMessage());
        } finally {
            east.close();
        }
    }

    @Test
    void aDestroyedSessionIsRecordedAsConsulDoes() throws Exception {
        ConsulDcs node = open(newScope(), "node", FAST);
        assertTrue(node.touchMember("{}"));
        String session = node.currentSession().orElseThrow();
        raw.destroySession(session);
        assertTrue(emulator().invalidations().contains(session + " destroyed"));
        assertEquals(Optional.empty(), raw.sessionInfo(session));
    }
}
