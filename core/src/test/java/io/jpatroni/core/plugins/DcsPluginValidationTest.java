package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.core.plugins.fixture.StrictDcsProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A third-party DCS plugin's own checks of its section (DcsProvider.validate), at start and by --validate-config. */
class DcsPluginValidationTest {

    private static final PluginContext CTX = new PluginContext(Clock.systemUTC(), "node1", "batman", CoreVersion.API);

    private static DcsSettings settings(String endpoint) {
        return new DcsSettings("strictdcs", Map.of("endpoint", endpoint), "/service", "batman", "node1", DcsTiming.DEFAULT);
    }

    @Test
    void theStartIsRefusedWithThePluginsProblemsAndAValidSectionReachesCreate(@TempDir Path plugins) throws Exception {
        TestPluginZips.withExtension(plugins, "strict-dcs", "strictdcs", StrictDcsProvider.class);
        DcsException refused = assertThrows(DcsException.class, () -> DcsFactory.open(settings("http://x"), plugins, CTX));
        assertEquals("the 'strictdcs' section is invalid (checked by plugin strict-dcs): endpoint: http://x is not a"
                + " strict:// URL; write e.g. endpoint: strict://host:1", refused.getMessage());
        assertEquals(List.of("endpoint: http://x is not a strict:// URL; write e.g. endpoint: strict://host:1"),
                DcsFactory.validate(settings("http://x"), plugins, CTX));

        assertEquals(List.of(), DcsFactory.validate(settings("strict://h:1"), plugins, CTX));
        DcsException created = assertThrows(DcsException.class, () -> DcsFactory.open(settings("strict://h:1"), plugins, CTX));
        assertTrue(created.getMessage().contains("validated, but strictdcs has no backend"), created.getMessage());

        DcsProvider fromZip = PluginLoader.forDirectory(plugins, CoreVersion.API).extensions(DcsProvider.class).get(0);
        assertNotSame(StrictDcsProvider.class, fromZip.getClass(), "the provider came from the zip's class loader");
    }

    @Test
    void validateConfigAcceptsTheSectionAndReportsThePluginsProblems(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectory(tmp.resolve("plugins"));
        TestPluginZips.withExtension(plugins, "strict-dcs", "strictdcs", StrictDcsProvider.class);
        Path config = tmp.resolve("patroni.yml");
        Files.writeString(config, String.join("\n", "scope: batman", "name: node1",
                "restapi: {listen: 127.0.0.1:8008, connect_address: 10.0.0.1:8008}",
                "strictdcs: {endpoint: 'http://x'}",
                "postgresql:", "  listen: 127.0.0.1:5432", "  connect_address: 10.0.0.1:5432", "  data_dir: /tmp/data",
                "  authentication:", "    superuser: {username: postgres, password: a}",
                "    replication: {username: replicator, password: b}", ""));
        String previous = System.getProperty("jpatroni.plugins");
        System.setProperty("jpatroni.plugins", plugins.toString());
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = io.jpatroni.core.runtime.MainAccess.run(new String[] {"--validate-config", config.toString()},
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String out = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, out);
            assertTrue(out.contains("endpoint: http://x is not a strict:// URL"), out);
            assertTrue(!out.contains("no plugin in"), "the section itself is accepted: " + out);

            Files.writeString(config, Files.readString(config).replace("http://x", "strict://h:1"));
            err.reset();
            assertEquals(0, io.jpatroni.core.runtime.MainAccess.run(new String[] {"--validate-config", config.toString()},
                    new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        } finally {
            if (previous == null) {
                System.clearProperty("jpatroni.plugins");
            } else {
                System.setProperty("jpatroni.plugins", previous);
            }
        }
    }
}
