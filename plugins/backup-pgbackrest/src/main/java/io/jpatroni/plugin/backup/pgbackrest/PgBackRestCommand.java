package io.jpatroni.plugin.backup.pgbackrest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The argv of {@code pgbackrest restore} for the typed {@code pgbackrest} section (one without {@code command}):
 * {@code stanza} (default: the cluster's scope), {@code config}, {@code delta}, and any other pgBackRest option
 * as written ({@code type}, {@code target}, {@code process_max} or {@code process-max}, {@code set}, ...), each
 * as {@code --option=value}. {@code --pg1-path} is always this node's data directory, so one pgbackrest.conf
 * serves every member whatever its data_dir.
 */
public final class PgBackRestCommand {

    /** Keys that configure jpatroni (Patroni's method switches) or this plugin, never passed to pgbackrest. */
    private static final Set<String> NOT_PGBACKREST_OPTIONS = Set.of("command", "keep_data", "no_params", "no_leader",
            "no_master", "recovery_conf", "keep_existing_recovery_conf", "binary", "stanza", "config", "delta",
            "pg1-path", "log-level-console");

    private PgBackRestCommand() {
    }

    /**
     * A standby's restore: {@code --type=standby} unless {@code type} is given (pgBackRest then writes standby.signal
     * and its restore_command; jpatroni adds primary_conninfo when it starts the replica), {@code --delta} when
     * {@code delta} says so or, by default, when {@code keep_data} kept the old files (only changed files are copied).
     */
    public static List<String> replica(Map<String, Object> options, String scope, Path dataDir, boolean keepData) {
        List<String> argv = common(options, scope, dataDir, keepData);
        if (!options.containsKey("type")) {
            argv.add("--type=standby");
        }
        passThrough(options, argv);
        argv.add("restore");
        return argv;
    }

    /**
     * A new cluster from the repository: the latest backup replayed to the end of the archive, or to
     * {@code type}/{@code target} for a point-in-time recovery. No delta by default: the directory is new.
     */
    public static List<String> bootstrap(Map<String, Object> options, String scope, Path dataDir) {
        List<String> argv = common(options, scope, dataDir, false);
        passThrough(options, argv);
        argv.add("restore");
        return argv;
    }

    private static List<String> common(Map<String, Object> options, String scope, Path dataDir, boolean deltaByDefault) {
        List<String> argv = new ArrayList<>();
        argv.add(text(options.getOrDefault("binary", "pgbackrest")));
        argv.add("--stanza=" + text(options.getOrDefault("stanza", scope)));
        if (options.get("config") != null) {
            argv.add("--config=" + text(options.get("config")));
        }
        argv.add("--pg1-path=" + dataDir);
        Object delta = options.get("delta");
        if (delta == null ? deltaByDefault : truthy(delta)) {
            argv.add("--delta");
        }
        // detail: one line per restored file with the percentage done, which the progress log samples
        Object level = options.getOrDefault("log-level-console", options.getOrDefault("log_level_console", "detail"));
        argv.add("--log-level-console=" + text(level));
        return argv;
    }

    /** Every other key as --option=value: lists repeat the option, true is --option, false --no-option. */
    private static void passThrough(Map<String, Object> options, List<String> argv) {
        options.forEach((key, value) -> {
            String option = key.replace('_', '-');
            if (NOT_PGBACKREST_OPTIONS.contains(key) || NOT_PGBACKREST_OPTIONS.contains(option) || value == null) {
                return;
            }
            if (value instanceof Boolean b) {
                argv.add(b ? "--" + option : "--no-" + option);
            } else if (value instanceof List<?> values) {
                values.forEach(v -> argv.add("--" + option + "=" + text(v)));
            } else if (value instanceof Map<?, ?> pairs) {
                pairs.forEach((k, v) -> argv.add("--" + option + "=" + k + "=" + text(v)));
            } else {
                argv.add("--" + option + "=" + text(value));
            }
        });
    }

    static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        String s = text(value).trim().toLowerCase(java.util.Locale.ROOT);
        return s.equals("true") || s.equals("on") || s.equals("yes") || s.equals("1") || s.equals("y");
    }

    private static String text(Object value) {
        return String.valueOf(value);
    }
}
