package io.jpatroni.api.dcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {

    @Test
    void namespaceSlashesAreCollapsed() {
        assertEquals("/service/batman/", KeyLayout.basePath("/service/", "batman"));
        assertEquals("/service/batman/", KeyLayout.basePath("service", "batman"));
        assertEquals("/a/b/batman/", KeyLayout.basePath("//a//b/", "batman"));
        assertEquals("/service/batman/", KeyLayout.basePath(null, "batman"));
    }

    @Test
    void assemblesPatroniKeysIntoOneSnapshot() {
        Cluster cluster = KeyLayout.assemble(List.of(
                new KeyLayout.Node("initialize", "7368210843297823012", 5, null),
                new KeyLayout.Node("leader", "node1", 9, "lease-1"),
                new KeyLayout.Node("members/node2", "{\"role\":\"replica\"}", 8, "lease-2"),
                new KeyLayout.Node("members/node1", "{\"role\":\"primary\"}", 7, "lease-1"),
                new KeyLayout.Node("members/x/y", "ignored", 1, null),
                new KeyLayout.Node("optime/leader", "100", 3, null)));
        assertEquals("node1", cluster.leader().orElseThrow().name());
        assertEquals("lease-1", cluster.leader().orElseThrow().session());
        assertEquals(List.of("node1", "node2"), cluster.members().stream().map(Member::name).toList());
        assertEquals("100", cluster.status().orElseThrow().value(), "legacy optime stands in for status");
        assertEquals("7368210843297823012", cluster.initialize().orElseThrow().value());
    }

    @Test
    void emptyLeaderNameMeansUnlocked() {
        Cluster cluster = KeyLayout.assemble(List.of(new KeyLayout.Node("leader", "", 2, null)));
        assertTrue(cluster.isUnlocked());
    }
}
