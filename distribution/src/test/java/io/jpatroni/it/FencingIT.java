package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The primary protects itself when its own HA loop cannot (spec/timing.md §5.2 step 4): a loop that
 * stands still is fenced by the lease guard before the lock can expire, and a JVM that runs out of
 * memory stops PostgreSQL before it exits. A real daemon, etcd and PostgreSQL 15; the faults are
 * injected through the daemon's test-only properties (FaultInjection), triggered by files.
 */
@ExtendWith(DumpLogsOnFailure.class)
class FencingIT {

    private static final int TTL = 20;
    private static final int LOOP_WAIT = 2;
    private static final Pattern NOT_RENEWED = Pattern.compile("not renewed for ([0-9.]+) s");
    private ClusterHarness cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aStuckLoopIsFencedBeforeItsLockCanExpireAndThePrimaryRecoversAfterwards() throws Exception {
        cluster = new ClusterHarness(1, TTL, LOOP_WAIT);
        Node primary = cluster.nodes.get(0);
        Path stall = primary.dir.resolve("stall-loop");
        primary.environment.put("JPATRONI_JAVA_OPTS", "-Djpatroni.test.stall-loop-while-exists=" + stall);
        cluster.startAll();
        await("the single node to bootstrap as primary", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(primary));
        DcsOutageIT.holdsTheLock(primary);
        TimeUnit.SECONDS.sleep(LOOP_WAIT + 1); // steady state: a few renewals

        Files.writeString(stall, "");
        long stalledAt = System.nanoTime(); // the last renewal was at most one loop (+ its run time) before
        Duration readOnly = await("the primary to stop accepting writes", Duration.ofSeconds(TTL + 10),
                () -> !ClusterHarness.acceptsWrites(primary));
        double seconds = (System.nanoTime() - stalledAt) / 1e9;
        double sinceRenewal = lastRenewalAge(primary);
        System.out.printf("loop stalled: writes refused %.1f s after the stall, the guard fenced %.1f s after the"
                + " last renewal request (ttl %d s)%n", seconds, sinceRenewal, TTL);
        assertTrue(seconds < TTL - LOOP_WAIT - 1,
                "still writable " + seconds + " s after the loop stalled: the lock may have expired");
        assertTrue(sinceRenewal < TTL - 1, "fenced " + sinceRenewal + " s after the last renewal");
        assertTrue(primary.daemon.isAlive(), "the guard fences PostgreSQL, not the daemon");

        Files.delete(stall);
        await("the loop, running again, to bring the primary back", Duration.ofSeconds(60),
                () -> ClusterHarness.acceptsWrites(primary));
    }

    @Test
    void anOutOfMemoryErrorStopsPostgresBeforeTheDaemonExits() throws Exception {
        cluster = new ClusterHarness(1, TTL, LOOP_WAIT);
        Node primary = cluster.nodes.get(0);
        Path oom = primary.dir.resolve("out-of-memory");
        primary.environment.put("JPATRONI_JAVA_OPTS", "-Djpatroni.test.out-of-memory-when-exists=" + oom);
        cluster.startAll();
        await("the single node to bootstrap as primary", Duration.ofSeconds(90),
                () -> ClusterHarness.acceptsWrites(primary));
        DcsOutageIT.holdsTheLock(primary);
        Optional<Long> postmaster = primary.postmasterPid();
        assertTrue(postmaster.isPresent());

        Files.writeString(oom, "");
        assertTrue(primary.daemon.waitFor(60, TimeUnit.SECONDS), "the daemon exits after an OutOfMemoryError");
        assertEquals(3, primary.daemon.exitValue());
        assertFalse(ProcessHandle.of(postmaster.get()).map(ProcessHandle::isAlive).orElse(false),
                "PostgreSQL must not outlive the daemon as an unmanaged primary");
        assertFalse(ClusterHarness.acceptsWrites(primary));
        String log = Files.readString(primary.log());
        log.lines().filter(l -> l.contains("FATAL") || l.contains("FENCING") || l.contains("eader key"))
                .forEach(l -> System.out.println("node1: " + l));
        assertTrue(log.contains("FATAL: java.lang.OutOfMemoryError"), "the reason is logged");
        assertTrue(log.contains("Leader key released"), "the lock is handed over as at SIGTERM");
    }

    private static double lastRenewalAge(Node node) throws Exception {
        Matcher m = NOT_RENEWED.matcher(Files.readString(node.log()));
        double age = -1;
        while (m.find()) {
            age = Double.parseDouble(m.group(1));
        }
        return age;
    }
}
