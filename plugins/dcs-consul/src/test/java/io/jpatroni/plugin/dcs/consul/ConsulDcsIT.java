package io.jpatroni.plugin.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.testing.consul.ConsulEmulator;
import io.jpatroni.testing.consul.ConsulServerHandle;
import io.jpatroni.testing.consul.EmulatedConsul;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The DCS contract against the in-process Consul emulator, plus what only the emulator can
 * stage: an agent that accepts connections but never answers, the agent's session TTL minimum,
 * ACL tokens and datacenters.
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
    void anAgentThatNeverAnswersCannotHangACall() throws Exception {
        DcsTiming timing = new DcsTiming(10, 1, 3);
        Duration bound = Duration.ofSeconds(timing.retryTimeout()).plusMillis(1500);
        EmulatedConsul hung = (EmulatedConsul) extraServer();
        ConsulDcs node = open(hung, newScope(), "node", timing, Map.of());
        assertTrue(node.touchMember("{}"));
        assertTrue(node.attemptToAcquireLeader());
        Leader leader = node.getCluster().leader().orElseThrow();
        hung.emulator().freeze();
        try {
            assertFailsWithin(bound, "get_cluster", node::getCluster);
            assertFailsWithin(bound, "update_leader", () -> node.updateLeader(leader));
            long started = System.nanoTime();
            assertFalse(node.touchMember("{\"x\":1}"));
            assertTrue((System.nanoTime() - started) / 1_000_000 <= bound.toMillis());
            started = System.nanoTime();
            assertFalse(node.watch(OptionalLong.of(leader.version()), Duration.ofSeconds(2)));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < 4000, "watch against a hung agent took " + tookMs + " ms");
        } finally {
            hung.emulator().thaw();
        }
    }

    @Test
    void aSessionTtlBelowTheAgentsMinimumIsRaisedToIt() throws Exception {
        EmulatedConsul strict = EmulatedConsul.launch(ConsulEmulator.Options.defaults()); // SessionTTLMin 10s
        try {
            ConsulDcs node = open(strict, newScope(), "node", new DcsTiming(6, 1, 2), Map.of());
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
            ConsulDcs good = open(secured, newScope(), "node", FAST, Map.of("token", "s3cret"));
            assertTrue(good.touchMember("{}"));
            assertTrue(good.attemptToAcquireLeader());
            assertEquals("node", good.getCluster().leader().orElseThrow().name());

            ConsulDcs bad = open(secured, newScope(), "node", FAST, Map.of("token", "wrong"));
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
            ConsulDcs here = open(east, newScope(), "node", FAST, Map.of("dc", "east"));
            assertTrue(here.touchMember("{}"));
            assertTrue(here.getCluster().member("node").isPresent());
            ConsulDcs elsewhere = open(east, newScope(), "node", FAST, Map.of("dc", "west"));
            DcsException error = assertThrows(DcsException.class, elsewhere::getCluster);
            assertTrue(error.getMessage().contains("No path to datacenter"), error.getMessage());
        } finally {
            east.close();
        }
    }

    @Test
    void sessionsAreNamedAndInvalidatedAsConsulDoes() throws Exception {
        ConsulDcs node = open(newScope(), "node", FAST);
        assertTrue(node.touchMember("{}"));
        String session = node.currentSession().orElseThrow();
        raw.destroySession(session);
        assertTrue(emulator().invalidations().contains(session + " destroyed"));
        assertEquals(Optional.empty(), raw.sessionInfo(session));
    }
}
