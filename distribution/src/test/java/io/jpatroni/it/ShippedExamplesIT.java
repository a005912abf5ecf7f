package io.jpatroni.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The distribution ships the example configurations as conf/examples, byte for byte, and the packaged
 * {@code bin/jpatroni --validate-config} (with the packaged DCS plugins) accepts each example patroni.yml.
 */
class ShippedExamplesIT {

    private static final Path SHIPPED = ClusterHarness.DIST.resolve("conf").resolve("examples");

    static Stream<Path> ymlExamples() {
        return Fixtures.examples(".yml").stream();
    }

    @Test
    void everyExampleIsShippedUnchanged() throws Exception {
        List<Path> sources = Fixtures.examples("");
        assertTrue(sources.size() >= 4, sources::toString);
        try (Stream<Path> shipped = Files.list(SHIPPED)) {
            assertEquals(sources.stream().map(p -> p.getFileName().toString()).toList(),
                    shipped.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (Path source : sources) {
            assertEquals(Files.readString(source), Files.readString(SHIPPED.resolve(source.getFileName())),
                    source.getFileName().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("ymlExamples")
    void thePackagedDaemonValidatesTheExample(Path source) throws Exception {
        Process p = new ProcessBuilder(ClusterHarness.DIST.resolve("bin/jpatroni").toString(), "--validate-config",
                SHIPPED.resolve(source.getFileName()).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
