package io.jpatroni.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginCacheTest {

    @Test
    void aZipIsUnpackedOnceAndReusedByLaterStarts(@TempDir Path tmp) throws Exception {
        Path zip = TestPluginZips.write(Files.createDirectory(tmp.resolve("plugins")), "a", "^0.1.0", "", "");
        PluginCache cache = new PluginCache(tmp.resolve("cache"));
        Path first = cache.unpacked(zip);
        assertTrue(first.getFileName().toString().endsWith("-a-1.0.0"), first.toString());
        assertTrue(first.getFileName().toString().startsWith(PluginCache.sha256(zip).substring(0, 16)));
        assertEquals("library of a", Files.readString(first.resolve("lib/readme.txt")));
        Path manifest = first.resolve(PluginCache.MANIFEST);
        FileTime written = FileTime.from(Instant.now().minusSeconds(600));
        Files.setLastModifiedTime(manifest, written);

        Path again = new PluginCache(tmp.resolve("cache")).unpacked(zip); // a later start
        assertEquals(first, again);
        assertEquals(written, Files.getLastModifiedTime(manifest), "reused, not unpacked again");
        assertEquals(List.of(first), entries(tmp.resolve("cache")), "no temporary directories left behind");
    }

    @Test
    void aPartialOrAlteredUnpackIsDetectedAndRedone(@TempDir Path tmp) throws Exception {
        Path zip = TestPluginZips.write(Files.createDirectory(tmp.resolve("plugins")), "a", "^0.1.0", "", "");
        PluginCache cache = new PluginCache(tmp.resolve("cache"));
        Path dir = cache.unpacked(zip);
        String checksum = PluginCache.sha256(zip);

        Files.writeString(dir.resolve("lib/readme.txt"), "truncated"); // a tmp cleaner, a full disk, ...
        assertFalse(PluginCache.isComplete(dir, checksum));
        assertEquals(dir, cache.unpacked(zip));
        assertEquals("library of a", Files.readString(dir.resolve("lib/readme.txt")));

        Files.delete(dir.resolve(PluginCache.MANIFEST)); // a crash before the manifest was written
        Files.delete(dir.resolve("lib/readme.txt"));
        assertEquals(dir, cache.unpacked(zip));
        assertEquals("library of a", Files.readString(dir.resolve("lib/readme.txt")));
        assertTrue(PluginCache.isComplete(dir, checksum));
    }

    @Test
    void aChangedZipGetsItsOwnDirectory(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectory(tmp.resolve("plugins"));
        PluginCache cache = new PluginCache(tmp.resolve("cache"));
        Path before = cache.unpacked(TestPluginZips.write(plugins, "a", "^0.1.0", "", ""));
        Path after = cache.unpacked(TestPluginZips.write(plugins, "a", "^0.1.0", "etcd3", ""));
        assertNotEquals(before, after, "keyed by checksum: an upgraded zip never reuses the old classes");
        assertTrue(Files.readString(after.resolve("plugin.properties")).contains("etcd3"));
    }

    @Test
    void anEntryEscapingItsDirectoryIsRefused(@TempDir Path tmp) throws Exception {
        Path zip = tmp.resolve("evil.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("../../escaped"));
            out.write(1);
            out.closeEntry();
        }
        PluginLoadException error = assertThrows(PluginLoadException.class,
                () -> new PluginCache(tmp.resolve("cache")).unpacked(zip));
        assertTrue(error.getMessage().contains("outside"), error.getMessage());
        assertFalse(Files.exists(tmp.resolve("escaped")));
        assertEquals(List.of(), entries(tmp.resolve("cache")), "the failed unpack is removed");
    }

    private static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
