package io.jpatroni.core.ha.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandbyNamesTest {

    @Test
    void rendersAsPatroniWritesIt() {
        assertEquals(Optional.of("pg_node_2"), StandbyNames.of(1, List.of("pg_node_2")).render());
        assertEquals(Optional.of("2 (node2,node3)"), StandbyNames.of(2, List.of("node3", "node2")).render());
        assertEquals(Optional.of("\"pg-node-2\""), StandbyNames.of(1, List.of("pg-node-2")).render());
        assertEquals(Optional.of("\"first\""), StandbyNames.of(1, List.of("first")).render());
        assertEquals(Optional.of("\"a\"\"b\""), StandbyNames.of(1, List.of("a\"b")).render());
        assertEquals(Optional.of("*"), StandbyNames.ANY.render());
        assertEquals(Optional.of("*"), StandbyNames.of(1, List.of()).render());
        assertEquals(Optional.empty(), StandbyNames.NONE.render());
    }

    @Test
    void readsWhatPostgresHas() {
        assertEquals(StandbyNames.of(1, List.of("node2")), StandbyNames.parse("node2"));
        assertEquals(StandbyNames.of(2, List.of("node2", "node3")), StandbyNames.parse("2 (node2, node3)"));
        assertEquals(StandbyNames.of(1, List.of("node2", "pg-node-3")), StandbyNames.parse("FIRST 1 (node2,\"pg-node-3\")"));
        assertEquals(StandbyNames.ANY, StandbyNames.parse("*"));
        assertEquals(StandbyNames.NONE, StandbyNames.parse(""));
    }

    @Test
    void roundTripsAndComparesCaseInsensitively() {
        StandbyNames names = StandbyNames.of(2, List.of("Node-B", "node_a"));
        assertEquals(names, StandbyNames.parse(names.render().orElseThrow()));
        assertEquals(StandbyNames.of(1, List.of("NODE2")), StandbyNames.parse("node2"));
    }
}
