package io.jpatroni.core.methods;

import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.replica.ReplicaMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which implementation a method name in patroni.yml means. A section with a {@code command}
 * ({@code postgresql.<name>.command}, {@code bootstrap.<name>.command}) is run as Patroni runs it, even when a
 * plugin of that name is installed: configurations written for Patroni ({@code pgbackrest: {command: ...}}) keep
 * doing exactly what they did. Otherwise a plugin extension of that name (its typed options), else, for replicas,
 * the built-in basebackup. A name that is
 * none of these is refused at start: Patroni would run a program of that name, which is almost always a typo.
 */
public final class MethodCatalog {

    private final Map<String, ReplicaMethod> pluginReplicaMethods = new LinkedHashMap<>();
    private final Map<String, BootstrapMethod> pluginBootstrapMethods = new LinkedHashMap<>();
    private final ReplicaMethod basebackup;

    public MethodCatalog(List<ReplicaMethod> replicaPlugins, List<BootstrapMethod> bootstrapPlugins, ReplicaMethod basebackup) {
        replicaPlugins.forEach(m -> pluginReplicaMethods.putIfAbsent(m.name(), m));
        bootstrapPlugins.forEach(m -> pluginBootstrapMethods.putIfAbsent(m.name(), m));
        this.basebackup = basebackup;
    }

    /** For {@code --validate-config}: names are resolved, nothing is run. */
    public static MethodCatalog forValidation(List<ReplicaMethod> replicaPlugins, List<BootstrapMethod> bootstrapPlugins) {
        return new MethodCatalog(replicaPlugins, bootstrapPlugins, new ReplicaMethod() {
            @Override
            public String name() {
                return BasebackupReplicaMethod.NAME;
            }

            @Override
            public io.jpatroni.api.replica.ReplicaResult create(io.jpatroni.api.replica.ReplicaRequest request,
                                                                Progress progress) {
                throw new IllegalStateException("validation only");
            }
        });
    }

    /** @param sections the local {@code postgresql} section, where {@code <name>: {command: ...}} live */
    public Optional<ReplicaMethod> replicaMethod(String name, Map<String, Object> sections) {
        if (!BasebackupReplicaMethod.NAME.equals(name) && hasCommand(sections, name)) {
            return Optional.of(new CommandReplicaMethod(name));
        }
        ReplicaMethod plugin = pluginReplicaMethods.get(name);
        if (plugin != null) {
            return Optional.of(plugin);
        }
        return BasebackupReplicaMethod.NAME.equals(name) ? Optional.of(basebackup) : Optional.empty();
    }

    /** @param sections the {@code bootstrap} section */
    public Optional<BootstrapMethod> bootstrapMethod(String name, Map<String, Object> sections) {
        if (hasCommand(sections, name)) {
            return Optional.of(new CommandBootstrapMethod(name));
        }
        return Optional.ofNullable(pluginBootstrapMethods.get(name));
    }

    /** The problems of the configured names, each naming the YAML key, the value and the fix; empty when all resolve. */
    public List<String> problems(List<String> replicaMethods, Map<String, Object> postgresql,
                                 Optional<String> bootstrapMethod, Map<String, Object> bootstrap) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < replicaMethods.size(); i++) {
            String name = replicaMethods.get(i);
            if (replicaMethod(name, postgresql).isEmpty()) {
                out.add("postgresql.create_replica_methods." + i + " \"" + name + "\": no replica method of that name:"
                        + " define postgresql." + name + ".command, install a plugin that provides " + name
                        + pluginNames(pluginReplicaMethods) + ", or use basebackup");
            }
        }
        bootstrapMethod.filter(m -> !m.equals("initdb")).ifPresent(name -> {
            if (bootstrapMethod(name, bootstrap).isEmpty()) {
                out.add("bootstrap.method \"" + name + "\": no bootstrap method of that name: define bootstrap." + name
                        + ".command, install a plugin that provides " + name + pluginNames(pluginBootstrapMethods)
                        + ", or use initdb");
            }
        });
        return out;
    }

    private static String pluginNames(Map<String, ?> plugins) {
        return plugins.isEmpty() ? " (no plugin provides one)" : " (plugins provide: " + String.join(", ", plugins.keySet()) + ")";
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(Map<String, Object> parent, String name) {
        return parent.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static boolean hasCommand(Map<String, Object> parent, String name) {
        return section(parent, name).get("command") != null;
    }
}
