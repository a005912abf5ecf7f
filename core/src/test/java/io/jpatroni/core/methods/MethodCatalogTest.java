package io.jpatroni.core.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which implementation a method name selects, and which names are refused at start. */
class MethodCatalogTest {

    private record Named(String name) implements ReplicaMethod {
        @Override
        public ReplicaResult create(ReplicaRequest request, Progress progress) {
            return ReplicaResult.success();
        }
    }

    private record NamedBootstrap(String name) implements BootstrapMethod {
        @Override
        public ReplicaResult bootstrap(BootstrapRequest request, ReplicaMethod.Progress progress) {
            return ReplicaResult.success();
        }
    }

    private static final ReplicaMethod BUILT_IN = new Named("basebackup");
    private static final ReplicaMethod PLUGIN = new Named("pgbackrest");

    private final MethodCatalog catalog = new MethodCatalog(List.of(PLUGIN), List.of(new NamedBootstrap("pgbackrest")),
            BUILT_IN);

    @Test
    void commandSectionThenPluginThenBuiltIn() {
        Map<String, Object> pg = Map.of("pgbackrest", Map.of("stanza", "typed: the plugin runs"),
                "custom", Map.of("command", "/bin/clone"), "nocommand", Map.of("keep_data", true));
        assertSame(PLUGIN, catalog.replicaMethod("pgbackrest", pg).orElseThrow());
        // Patroni's documented pgbackrest: {command: ...} form keeps running that command, plugin or not
        assertEquals(new CommandReplicaMethod("pgbackrest"),
                catalog.replicaMethod("pgbackrest", Map.of("pgbackrest", Map.of("command", "pgbackrest restore"))).orElseThrow());
        assertSame(BUILT_IN, catalog.replicaMethod("basebackup", pg).orElseThrow());
        assertEquals(new CommandReplicaMethod("custom"), catalog.replicaMethod("custom", pg).orElseThrow());
        assertEquals(Optional.empty(), catalog.replicaMethod("nocommand", pg));
        assertEquals(Optional.empty(), catalog.replicaMethod("typo", pg));
    }

    @Test
    void bootstrapCommandSectionTakesPrecedenceOverAPlugin() {
        Map<String, Object> b = Map.of("pgbackrest", Map.of("command", "x"), "restore", Map.of("command", "/bin/r"));
        assertEquals(new CommandBootstrapMethod("pgbackrest"), catalog.bootstrapMethod("pgbackrest", b).orElseThrow());
        assertInstanceOf(NamedBootstrap.class,
                catalog.bootstrapMethod("pgbackrest", Map.of("pgbackrest", Map.of("stanza", "s"))).orElseThrow());
        assertEquals(new CommandBootstrapMethod("restore"), catalog.bootstrapMethod("restore", b).orElseThrow());
        assertEquals(Optional.empty(), catalog.bootstrapMethod("restore", Map.of("restore", Map.of())));
    }

    @Test
    void unknownNamesAreProblemsNamingKeyValueAndFix() {
        List<String> problems = catalog.problems(List.of("basebackup", "wal_e", "pgbackrest"), Map.of(),
                Optional.of("restore"), Map.of());
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("postgresql.create_replica_methods.1 \"wal_e\": no replica method"),
                problems::toString);
        assertTrue(problems.get(0).contains("define postgresql.wal_e.command"), problems::toString);
        assertTrue(problems.get(0).contains("plugins provide: pgbackrest"), problems::toString);
        assertTrue(problems.get(1).startsWith("bootstrap.method \"restore\""), problems::toString);
        assertTrue(catalog.problems(List.of("basebackup"), Map.of(), Optional.of("initdb"), Map.of()).isEmpty());
    }
}
