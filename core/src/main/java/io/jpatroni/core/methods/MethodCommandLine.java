package io.jpatroni.core.methods;

import io.jpatroni.core.config.ValueParsers;
import io.jpatroni.core.loop.ShellWords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The argv of a user-defined replica or bootstrap command, built as Patroni builds it (ha-loop.md §3.3 and §4.2),
 * so scripts written for Patroni receive the same arguments. Values are rendered with Python's {@code str()}
 * ({@code True}, {@code None}) because that is what those scripts have always been given.
 */
public final class MethodCommandLine {

    /** Keys of a replica method section that configure jpatroni itself and are dropped with no_params. */
    private static final Set<String> REPLICA_SWITCHES = Set.of("no_params", "no_master", "no_leader", "keep_data");
    /** Keys of a bootstrap method section that are never passed to the command. */
    private static final Set<String> BOOTSTRAP_RESERVED = Set.of("command", "no_params", "keep_existing_recovery_conf",
            "recovery_conf", "scope", "datadir");

    private MethodCommandLine() {
    }

    /**
     * {@code command} (else the method name) shell-split, then — unless {@code no_params} — the section's keys
     * with {@code scope}, {@code role=replica}, {@code datadir} and {@code connstring} set over them, each as
     * {@code --key=value}. Without no_params the switches (keep_data, no_leader) are passed on too, as Patroni does.
     */
    public static List<String> replica(String method, Map<String, Object> section, String scope, Path dataDir,
                                       String connstring) {
        Map<String, Object> params = new LinkedHashMap<>(section);
        Object command = params.remove("command");
        List<String> argv = new ArrayList<>(ShellWords.split(command == null ? method : ValueParsers.pythonStr(command)));
        if (ValueParsers.truthy(params.get("no_params"))) {
            params.keySet().removeAll(REPLICA_SWITCHES);
        } else {
            params.put("scope", scope);
            params.put("role", "replica");
            params.put("datadir", dataDir.toString());
            params.put("connstring", connstring);
        }
        params.forEach((k, v) -> argv.add("--" + k + "=" + ValueParsers.pythonStr(v)));
        return argv;
    }

    /** {@code command} shell-split, {@code --scope= --datadir=} unless no_params, then the other keys as --key=value. */
    public static List<String> bootstrap(Map<String, Object> section, String scope, Path dataDir) {
        Object command = section.get("command");
        if (command == null) {
            throw new IllegalArgumentException("a custom bootstrap method needs a command");
        }
        List<String> argv = new ArrayList<>(ShellWords.split(ValueParsers.pythonStr(command)));
        if (!ValueParsers.truthy(section.get("no_params"))) {
            argv.add("--scope=" + scope);
            argv.add("--datadir=" + dataDir);
        }
        section.forEach((k, v) -> {
            if (!BOOTSTRAP_RESERVED.contains(k)) {
                argv.add("--" + k + "=" + ValueParsers.pythonStr(v));
            }
        });
        return argv;
    }

    /** {@code keep_data}: the data directory is neither emptied before the method nor after its failure. */
    public static boolean keepData(Map<String, Object> section) {
        return ValueParsers.truthy(section.get("keep_data"));
    }

    /** {@code no_leader} (or the older {@code no_master}): the method works without a running leader. */
    public static boolean worksWithoutLeader(Map<String, Object> section) {
        return ValueParsers.truthy(section.get("no_leader")) || ValueParsers.truthy(section.get("no_master"));
    }
}
