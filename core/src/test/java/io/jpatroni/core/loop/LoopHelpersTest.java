package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.ha.PeerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopHelpersTest {

    @Test
    void aReplicaPeerReportsItsHighestPosition() {
        PeerStatus peer = PeerClient.parse("node2", "{\"state\": \"running\", \"role\": \"replica\", "
                + "\"xlog\": {\"received_location\": 500, \"replayed_location\": 400, \"paused\": false}}");
        assertTrue(peer.usable());
        assertTrue(peer.inRecovery());
        assertEquals(500, peer.walPosition());
        assertEquals(1, peer.failoverPriority());
    }

    @Test
    void aPrimaryPeerIsNotInRecoveryWhateverItsRoleWord() {
        PeerStatus peer = PeerClient.parse("node1", "{\"role\": \"master\", \"xlog\": {\"location\": 900}}");
        assertFalse(peer.inRecovery());
    }

    @Test
    void aPeerWithoutWalPositionsOrTaggedNofailoverCannotBeCompared() {
        assertFalse(PeerClient.parse("n", "{\"state\": \"stopped\", \"role\": \"replica\"}").usable());
        assertFalse(PeerClient.parse("n", "{\"xlog\": {\"received_location\": 1}, \"tags\": {\"nofailover\": true}}")
                .usable());
        assertFalse(PeerClient.parse("n", "{\"xlog\": {\"received_location\": 1}, \"watchdog_failed\": true}")
                .usable());
        assertFalse(PeerClient.parse("n", "not json").usable());
    }

    @Test
    void historyFileBecomesPatronisHistoryValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("00000003.history");
        Files.writeString(file, "1\t0/3000060\tno recovery target specified\n\n"
                + "2\t0/5000000\tno recovery target specified\n");
        List<List<Object>> stored = List.of(List.of(1L, 50331744L, "no recovery target specified",
                "2026-01-01T00:00:00+00:00", "node1"));
        List<List<Object>> lines = TimelineHistory.read(Optional.of(file), stored, "node3");
        assertEquals(2, lines.size());
        assertEquals(List.of(1L, 50331744L, "no recovery target specified", "2026-01-01T00:00:00+00:00", "node1"),
                lines.get(0), "known switches keep their timestamp and leader");
        assertEquals(2L, lines.get(1).get(0));
        assertEquals(0x5000000L, lines.get(1).get(1));
        assertEquals("node3", lines.get(1).get(4), "the newest switch is mine");
        assertTrue(lines.get(1).get(3).toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"),
                "Patroni's timestamp format: " + lines.get(1).get(3));
    }

    @Test
    void commandsAreSplitLikeAShellWould() {
        assertEquals(List.of("/usr/bin/post", "it's here", "a b", "c"),
                ShellWords.split("/usr/bin/post 'it'\\''s here' \"a b\"   c"));
        assertEquals(List.of(), ShellWords.split("   "));
    }
}
