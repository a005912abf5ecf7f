package io.jpatroni.plugin.backup.pgbackrest;

import io.jpatroni.api.replica.support.ToolProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.replica.ReplicaResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolProcessTest {

    @Test
    void anInterruptKillsTheRestoreAndItsChildren(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        List<String> argv = List.of("sh", "-c", "sleep 300 & echo $! > " + pids + "; echo started; wait");
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread restore = new Thread(() -> {
            try {
                outcome.set(new AssertionError("returned " + ToolProcess.run("pgbackrest", "install it", argv, Map.of(), line -> { }, Duration.ZERO)));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        restore.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(pids) || Files.readString(pids).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "the child never started");
            Thread.sleep(50);
        }
        long child = Long.parseLong(Files.readString(pids).trim());
        restore.interrupt();
        restore.join(Duration.ofSeconds(10).toMillis());
        assertFalse(restore.isAlive(), "the method did not return after the interrupt");
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        long gone = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < gone) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the restore's child survived");
    }

    @Test
    void outputIsSampledButErrorsAlwaysReachTheLogAndTheFailure() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ReplicaResult r = ToolProcess.run("pgbackrest", "install it", List.of("sh", "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10; do echo \"P00 DETAIL: restore file $i\"; done;"
                        + " echo 'P00 ERROR: [038]: unable to restore'; exit 38"),
                Map.of("EXTRA", "1"), lines::add, Duration.ofHours(1));
        assertFalse(r.succeeded());
        assertTrue(r.detail().startsWith("sh exited with code 38: "), r.detail());
        assertTrue(r.detail().contains("unable to restore"), r.detail());
        // the first line, then nothing for an hour except the error
        assertEquals(List.of("pgbackrest: P00 DETAIL: restore file 1",
                "pgbackrest: P00 ERROR: [038]: unable to restore (9 lines since the last one)"), lines);
    }

    @Test
    void realPgBackRestFailureIsReportedWithItsOwnMessage(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("pgbackrest.conf");
        Files.writeString(conf, "[global]\nrepo1-path=" + dir.resolve("repo") + "\nlog-path=" + dir
                + "\nlock-path=" + dir + "\n");
        Files.createDirectories(dir.resolve("data"));
        List<String> argv = PgBackRestCommand.replica(Map.of("config", conf.toString(), "stanza", "missing"), "otus",
                dir.resolve("data"), false);
        List<String> lines = new CopyOnWriteArrayList<>();
        ReplicaResult r = ToolProcess.run("pgbackrest", "install it", argv, Map.of(), lines::add, Duration.ofSeconds(10));
        assertFalse(r.succeeded());
        assertTrue(r.detail().contains("ERROR"), r.detail());
        assertTrue(lines.stream().anyMatch(l -> l.contains("restore command begin")), lines::toString);
    }
}
