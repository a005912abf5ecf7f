package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginTempDirectoryTest {

    @Test
    void expansionsOfDeadDaemonsAreRemovedAndLiveOnesKept(@TempDir Path tmp) throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        long deadPid = finished.pid();
        Path dead = expansion(tmp, deadPid);
        Path mine = expansion(tmp, ProcessHandle.current().pid());
        Process running = new ProcessBuilder("sleep", "30").start();
        try {
            Path live = expansion(tmp, running.pid());
            Path recycled = expansion(tmp, running.pid() + 0); // same pid, but written before that process started
            Files.move(recycled, tmp.resolve(PluginCache.EXPAND_PREFIX + running.pid() + "-old"));
            recycled = tmp.resolve(PluginCache.EXPAND_PREFIX + running.pid() + "-old");
            Files.setLastModifiedTime(recycled, FileTime.from(Instant.now().minusSeconds(3600)));
            Path foreign = Files.createDirectory(tmp.resolve(PluginCache.EXPAND_PREFIX + "xyz"));
            Path unrelated = Files.createDirectory(tmp.resolve("something-else"));

            List<Path> removed = PluginCache.removeStaleExpandRoots(tmp);

            assertEquals(2, removed.size(), removed.toString());
            assertFalse(Files.exists(dead), "the daemon is gone: its expansion too");
            assertFalse(Files.exists(recycled), "the pid now belongs to a younger process");
            assertTrue(Files.exists(mine));
            assertTrue(Files.exists(live));
            assertTrue(Files.exists(foreign), "names without a pid are not guessed at");
            assertTrue(Files.exists(unrelated));
        } finally {
            running.destroyForcibly();
        }
    }

    private static Path expansion(Path tmp, long pid) throws Exception {
        Path dir = Files.createTempDirectory(tmp, PluginCache.EXPAND_PREFIX + pid + "-");
        Path jar = Files.createDirectories(dir.resolve("dcs-etcd/lib")).resolve("x.jar");
        Files.writeString(jar, "not really a jar");
        return dir;
    }
}
