package io.jpatroni.core.loop;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.config.ConfigException;
import io.jpatroni.core.config.ConfigProblem;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic configuration in force (config.md §1.4): the DCS {@code config} key when valid,
 * else the cached {@code patroni.dynamic.json}, else {@code bootstrap.dcs}. A new version is applied
 * at the end of the iteration that read it; an invalid one is logged and the previous one kept.
 *
 * <p>{@code pause} is the exception (ha-loop.md §21.2: global settings are refreshed at the start of
 * every iteration, as Patroni's {@code is_paused()} reads the loaded cluster): the iteration that
 * reads {@code pause: true} already decides paused. Applied only at its end, a replica that read the
 * operator's pause together with a free lock still failed over (simulator, invariant 8).
 */
final class DynamicConfigTracker {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicConfigTracker.class);

    private final Path cacheFile;
    private volatile DynamicConfig current;
    private volatile Map<String, Object> currentRaw;
    private long appliedVersion = -1;
    private volatile boolean paused;
    private volatile Optional<String> rejection = Optional.empty();

    DynamicConfigTracker(PatroniConfig config) {
        this.cacheFile = config.postgresql().dataDir().resolve("patroni.dynamic.json");
        Map<String, Object> initial = readCache().orElse(config.bootstrap().map(b -> b.dcs()).orElse(Map.of()));
        this.current = parseOrDefaults(initial);
        this.currentRaw = initial;
        this.paused = current.pause();
    }

    DynamicConfig current() {
        return current;
    }

    /**
     * Maintenance mode as the last snapshot read says (its {@code config} key's {@code pause}); until
     * one with a {@code config} key is read, as the configuration in force says.
     */
    boolean paused() {
        return paused;
    }

    /** At the start of an iteration: refresh {@link #paused()} from the snapshot just read. */
    void observe(ClusterView cluster) {
        if (cluster.configModifyVersion() != 0) {
            paused = io.jpatroni.core.config.ValueParsers.boolish(cluster.config().get("pause")).orElse(false);
        }
    }

    /** Why the DCS config key's latest version was rejected; empty when the one in force is the latest. */
    Optional<String> rejection() {
        return rejection;
    }

    Map<String, Object> raw() {
        return currentRaw;
    }

    /** Adopts the snapshot's config when its modify version changed; returns true if timing changed. */
    boolean update(ClusterView cluster, Dcs dcs) {
        if (cluster.configModifyVersion() == 0 || cluster.configModifyVersion() == appliedVersion) {
            return false;
        }
        appliedVersion = cluster.configModifyVersion();
        List<String> warnings = new ArrayList<>();
        DynamicConfig next;
        try {
            next = DynamicConfig.fromMap(cluster.config(), warnings);
        } catch (ConfigException e) {
            // logged for every new version, so a later bad edit is as visible as the first one
            rejection = Optional.of(e.getMessage());
            LOG.error("the dynamic configuration in the DCS (version {}) is invalid and NOT applied; the node keeps the"
                    + " last valid one (ttl={}, loop_wait={}, retry_timeout={}). Fix it with jpatronictl edit-config: {}",
                    appliedVersion, current.ttl(), current.loopWait(), current.retryTimeout(), e.getMessage());
            return false;
        }
        rejection = Optional.empty();
        warnings.forEach(LOG::warn);
        // written by another tool (REST and ctl refuse them): say once per version what the node does not do
        for (ConfigProblem p : DynamicConfig.check(cluster.config())) {
            LOG.error("dynamic configuration (version {}): {} (not applied as written)", appliedVersion, p);
        }
        DynamicConfig previous = current;
        current = next;
        currentRaw = cluster.config();
        writeCache(cluster.config());
        boolean timingChanged = previous.ttl() != next.ttl() || previous.loopWait() != next.loopWait()
                || previous.retryTimeout() != next.retryTimeout();
        if (timingChanged) {
            dcs.setTiming(timing());
        }
        return timingChanged;
    }

    DcsTiming timing() {
        return new DcsTiming(current.ttl(), current.loopWait(), current.retryTimeout());
    }

    private static DynamicConfig parseOrDefaults(Map<String, Object> raw) {
        List<String> warnings = new ArrayList<>();
        try {
            DynamicConfig parsed = DynamicConfig.fromMap(raw, warnings);
            warnings.forEach(LOG::warn);
            return parsed;
        } catch (ConfigException e) {
            LOG.error("invalid dynamic configuration, using defaults: {}", e.getMessage());
            return DynamicConfig.defaults();
        }
    }

    @SuppressWarnings("unchecked")
    private java.util.Optional<Map<String, Object>> readCache() {
        try {
            if (Files.isRegularFile(cacheFile)) {
                return java.util.Optional.of(Json.MAPPER.readValue(cacheFile.toFile(), Map.class));
            }
        } catch (IOException e) {
            LOG.warn("ignoring unreadable {}: {}", cacheFile, e.getMessage());
        }
        return java.util.Optional.empty();
    }

    private void writeCache(Map<String, Object> raw) {
        if (!Files.isDirectory(cacheFile.getParent()) || !Files.exists(cacheFile.getParent().resolve("PG_VERSION"))) {
            return;
        }
        try {
            Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            Files.writeString(tmp, Json.write(raw));
            Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("could not cache the dynamic configuration in {}: {}", cacheFile, e.getMessage());
        }
    }
}
