package io.jpatroni.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked plugin zips, one directory per zip content ({@code <sha-256 prefix>-<zip name>}), reused
 * by every later start and by every daemon of the machine that installs the same zip: the plugins
 * directory may stay read-only, and a restart does not copy jetcd's 20 MB again.
 *
 * <p>An unpack goes to a private temporary directory, gets a manifest (every file and its size)
 * written last, and is then renamed into place in one step, so a directory without a manifest, or
 * whose files no longer match it (a crash mid-way, tmp cleaners), is unpacked again. Two daemons
 * racing on the same zip both succeed: the loser of the rename uses the winner's copy.
 */
final class PluginCache {

    private static final Logger LOG = LoggerFactory.getLogger(PluginCache.class);
    static final String MANIFEST = ".jpatroni-unpacked";

    private final Path root;

    PluginCache(Path root) {
        this.root = root;
    }

    /** {@code -Djpatroni.pluginCache}, else {@code <java.io.tmpdir>/jpatroni-plugin-cache-<user>}. */
    static PluginCache standard() {
        String configured = System.getProperty("jpatroni.pluginCache");
        if (configured != null && !configured.isBlank()) {
            return new PluginCache(Path.of(configured));
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        // the per-process directories the loader used before the cache: gone with their daemons
        removeStaleExpandRoots(tmp).forEach(d -> LOG.info("removed plugin directory {} of a daemon that no longer runs", d));
        return new PluginCache(tmp.resolve("jpatroni-plugin-cache-" + System.getProperty("user.name", "user")));
    }

    Path root() {
        return root;
    }

    /** The unpacked directory of {@code zip}, unpacking it first unless a complete copy is cached. */
    Path unpacked(Path zip) throws PluginLoadException {
        String checksum = sha256(zip);
        String name = zip.getFileName().toString();
        Path target = root.resolve(checksum.substring(0, 16) + "-" + name.substring(0, name.length() - ".zip".length()));
        if (isComplete(target, checksum)) {
            LOG.debug("plugin {}: using the unpacked copy {}", zip, target);
            return target;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("plugin {}: the unpacked copy {} is incomplete or altered; unpacking again", zip, target);
            deleteTree(target);
        }
        Path work;
        try {
            Files.createDirectories(root);
            work = Files.createTempDirectory(root, ".unpacking-");
        } catch (IOException e) {
            throw new PluginLoadException("cannot create the plugin cache " + root + " (set -Djpatroni.pluginCache to a"
                    + " writable directory): " + e.getMessage(), e);
        }
        try {
            unzip(zip, work, checksum);
            try {
                Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                if (!isComplete(target, checksum)) {
                    throw new PluginLoadException("plugin " + zip + ": another process left an incomplete " + target
                            + "; remove it and start again", e);
                }
            } catch (AtomicMoveNotSupportedException e) {
                throw new PluginLoadException("plugin cache " + root + " cannot rename atomically: " + e.getMessage(), e);
            }
            LOG.info("plugin {}: unpacked into {}", zip, target);
            return target;
        } catch (IOException e) {
            throw new PluginLoadException("cannot unpack plugin " + zip + " into " + root + ": " + e.getMessage(), e);
        } finally {
            if (Files.exists(work)) {
                deleteTree(work);
            }
        }
    }

    private static void unzip(Path zip, Path target, String checksum) throws IOException, PluginLoadException {
        Properties manifest = new Properties();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target) || out.equals(target.resolve(MANIFEST))) {
                    throw new PluginLoadException("plugin " + zip + " contains an entry outside its directory: "
                            + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    manifest.setProperty(target.relativize(out).toString(), Long.toString(Files.size(out)));
                }
            }
        }
        manifest.setProperty(MANIFEST, checksum);
        // written last: its presence says that everything before it was unpacked
        try (OutputStream out = Files.newOutputStream(target.resolve(MANIFEST))) {
            manifest.store(out, "files unpacked from " + zip.getFileName() + " and their sizes");
        }
    }

    /** The manifest exists, names this zip's checksum, and every file it lists has its size. */
    static boolean isComplete(Path dir, String checksum) {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        Properties manifest = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            manifest.load(in);
            if (!checksum.equals(manifest.getProperty(MANIFEST))) {
                return false;
            }
            for (String name : manifest.stringPropertyNames()) {
                if (name.equals(MANIFEST)) {
                    continue;
                }
                Path entry = dir.resolve(name);
                if (!Files.isRegularFile(entry) || Files.size(entry) != Long.parseLong(manifest.getProperty(name))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    static String sha256(Path file) throws PluginLoadException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new PluginLoadException("cannot read plugin " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** Per-process unpack directories of earlier releases: {@code jpatroni-plugins-pid<PID>-<random>}. */
    static final String EXPAND_PREFIX = "jpatroni-plugins-pid";

    /**
     * Earlier releases unpacked into per-process directories removed by a shutdown hook, which never
     * runs after SIGKILL, an OOM halt or a power cut. A directory is stale when its pid is gone or now
     * names a process started after the directory was written (a recycled pid).
     */
    static List<Path> removeStaleExpandRoots(Path tempDir) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, EXPAND_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && isStale(dir)) {
                    deleteTree(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException e) {
            LOG.debug("not cleaning old plugin directories in {}: {}", tempDir, e.getMessage());
        }
        return removed;
    }

    private static boolean isStale(Path dir) throws IOException {
        String rest = dir.getFileName().toString().substring(EXPAND_PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
            pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return false; // not ours to judge
        }
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        java.util.Optional<ProcessHandle> owner = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (owner.isEmpty()) {
            return true;
        }
        java.time.Instant written = Files.getLastModifiedTime(dir).toInstant();
        return owner.get().info().startInstant().map(started -> started.isAfter(written.plusSeconds(1))).orElse(false);
    }

    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debug("could not remove {}: {}", root, e.getMessage());
        }
    }
}
