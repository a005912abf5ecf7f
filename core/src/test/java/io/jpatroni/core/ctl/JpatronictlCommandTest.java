package io.jpatroni.core.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.ClusterFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JpatronictlCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> reads = new ArrayList<>();
    private Optional<Path> configSeen;

    private final ClusterSource source = new ClusterSource() {
        @Override
        public ClusterView read(String clusterName) throws Exception {
            reads.add(clusterName);
            if (clusterName.equals("broken")) {
                throw new IllegalStateException("etcd is not reachable");
            }
            return ClusterFixtures.batman(false).view();
        }

        @Override
        public String defaultScope() {
            return "batman";
        }
    };

    /** Sleeps are recorded; the third one interrupts, ending watch mode like Ctrl-C. */
    private int run(String... args) {
        JpatronictlCommand.Sleeper sleeper = d -> {
            sleeps.add(d);
            if (sleeps.size() == 3) {
                throw new InterruptedException();
            }
        };
        JpatronictlCommand cmd = new JpatronictlCommand(path -> {
            configSeen = path;
            return source;
        }, new PrintWriter(out), new PrintWriter(err), sleeper,
                Clock.fixed(Instant.parse("2030-01-01T10:00:00Z"), ZoneOffset.UTC), false);
        return cmd.execute(args);
    }

    @Test
    void listDefaultsToTheConfiguredScope() {
        assertEquals(0, run("-c", "/etc/patroni.yml", "list"));
        assertEquals(Optional.of(Path.of("/etc/patroni.yml")), configSeen);
        assertEquals(List.of("batman"), reads);
        assertEquals(MemberTable.render(ClusterFixtures.batman(false).view(), "batman", false, OutputFormat.PRETTY),
                out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void namedClusterInJsonWithTimestamp() {
        assertEquals(0, run("list", "other", "-f", "json", "-t"));
        assertEquals(List.of("other"), reads);
        assertTrue(out.toString().startsWith("2030-01-01 10:00:00\n[{\"Cluster\": \"other\", "), out.toString());
    }

    @Test
    void extendedAndYml() {
        assertEquals(0, run("list", "-e", "-f", "yml"));
        assertTrue(!out.toString().contains("Pending restart"), "empty cells are left out even with -e");
        assertTrue(out.toString().startsWith("- Cluster: batman\n"), out.toString());
    }

    @Test
    void watchEveryTwoSecondsUntilInterrupted() {
        assertEquals(0, run("list", "-W"));
        assertEquals(3, reads.size());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeps);
    }

    @Test
    void watchWithCustomInterval() {
        assertEquals(0, run("list", "-w", "0.5", "-f", "tsv"));
        assertEquals(3, reads.size());
        assertEquals(Duration.ofMillis(500), sleeps.get(0));
        assertEquals(3, out.toString().lines().filter(l -> l.startsWith("Cluster\t")).count());
    }

    @Test
    void failuresPrintErrorAndExitOne() {
        assertEquals(1, run("list", "broken"));
        assertEquals("Error: etcd is not reachable\n", err.toString().replace("\r\n", "\n"));
        assertEquals("", out.toString());
    }

    @Test
    void badFormatIsAUsageError() {
        assertEquals(2, run("list", "-f", "xml"));
        assertTrue(err.toString().contains("Error: "), err.toString());
        assertTrue(err.toString().contains("Usage: jpatronictl list"), err.toString());
        assertEquals(List.of(), reads);
    }

    @Test
    void noScopeAnywhereListsNothing() {
        JpatronictlCommand cmd = new JpatronictlCommand(path -> new ClusterSource() {
            @Override
            public ClusterView read(String clusterName) {
                throw new AssertionError("nothing to read");
            }

            @Override
            public String defaultScope() {
                return null;
            }
        }, new PrintWriter(out), new PrintWriter(err), d -> { }, Clock.systemUTC(), false);
        assertEquals(0, cmd.execute("list"));
        assertEquals("", out.toString());
    }
}
