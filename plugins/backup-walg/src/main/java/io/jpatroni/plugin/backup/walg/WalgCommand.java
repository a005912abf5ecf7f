package io.jpatroni.plugin.backup.walg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the typed {@code walg} section (one without {@code command}) runs: {@code wal-g [--config=...] backup-fetch
 * <data_dir> <backup_name>}. WAL-G reads its storage settings from the environment ({@code WALG_FILE_PREFIX},
 * {@code WALG_S3_PREFIX}, ...) or a config file, so the section has {@code env} and {@code config}; a key WAL-G
 * would not understand is refused rather than dropped.
 */
public final class WalgCommand {

    /** Patroni's method switches, handled by jpatroni itself. */
    private static final Set<String> PATRONI_KEYS = Set.of("keep_data", "no_params", "no_leader", "no_master",
            "recovery_conf", "keep_existing_recovery_conf");
    private static final Set<String> OWN_KEYS = Set.of("binary", "config", "backup_name", "env");

    private WalgCommand() {
    }

    /** The first key the section may not have, with the fix; empty when all are understood. */
    public static Optional<String> problem(String section, Map<String, Object> options) {
        for (String key : options.keySet()) {
            if (!PATRONI_KEYS.contains(key) && !OWN_KEYS.contains(key)) {
                return Optional.of(section + "." + key + ": not a WAL-G method option (use binary, config,"
                        + " backup_name, env: {WALG_...: ...}, or a command for a script of your own)");
            }
        }
        if (options.get("env") != null && !(options.get("env") instanceof Map<?, ?>)) {
            return Optional.of(section + ".env \"" + options.get("env") + "\": must be a map of environment variables,"
                    + " e.g. env: {WALG_FILE_PREFIX: /backups/wal-g}");
        }
        return Optional.empty();
    }

    public static List<String> backupFetch(Map<String, Object> options, Path dataDir) {
        List<String> argv = new ArrayList<>();
        argv.add(String.valueOf(options.getOrDefault("binary", "wal-g")));
        if (options.get("config") != null) {
            argv.add("--config=" + options.get("config"));
        }
        argv.add("backup-fetch");
        argv.add(dataDir.toString());
        argv.add(String.valueOf(options.getOrDefault("backup_name", "LATEST")));
        return argv;
    }

    /** The request's environment (PGPASSFILE, ...) with the section's {@code env} over it. */
    public static Map<String, String> environment(Map<String, Object> options, Map<String, String> base) {
        Map<String, String> env = new LinkedHashMap<>(base);
        if (options.get("env") instanceof Map<?, ?> extra) {
            extra.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        return env;
    }
}
