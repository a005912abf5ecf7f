package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.CompactJson;
import io.jpatroni.core.rest.ConfigPatch;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edit-config [CLUSTER_NAME] [-q] [-s K=V]... [-p K=V]... [--apply FILE|-] [--replace FILE|-] [--force]}
 * (patronictl.md §3.9): changes the dynamic configuration in the DCS with a compare-and-set on
 * the {@code config} key, after showing the change as a diff of the YAML texts.
 */
@Command(name = "edit-config", description = "Edit cluster configuration", sortOptions = false)
public final class EditConfigCommand implements Callable<Integer> {

    /** Lets the user edit a file; returns the editor's exit status. */
    @FunctionalInterface
    public interface Editor {
        int edit(Path file) throws Exception;

        /** {@code $EDITOR}, else {@code editor}, else {@code vi} from the PATH, on the terminal. */
        Editor EXTERNAL = file -> {
            List<String> command = new ArrayList<>(externalEditor());
            command.add(file.toString());
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        };
    }

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-q", "--quiet"}, description = "Do not show changes")
    boolean quiet;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set a configuration value; the key may be a dotted path and the value YAML")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-p", "--pg"}, paramLabel = "PG_NAME=VALUE",
            description = "Set a postgresql.parameters value; the value is YAML")
    List<String> pgs = new ArrayList<>();

    @Option(names = "--apply", paramLabel = "FILE", description = "Apply configuration from a file ('-' for stdin)")
    String apply;

    @Option(names = "--replace", paramLabel = "FILE", description = "Replace configuration with a file ('-' for stdin)")
    String replace;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    EditConfigCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        String name = root.clusterName(clusterName);
        ClusterView view = root.read(name);
        if (view.raw().config().isEmpty()) {
            throw new CtlException("The config key does not exist in the cluster " + name);
        }
        Map<String, Object> original = view.config();
        String before = YamlText.block(original);
        String after = null;
        Map<String, Object> changed = ConfigPatch.copyMap(original);
        if (replace != null) {
            changed = new LinkedHashMap<>();
            ConfigPatch.apply(changed, loadYamlObject(replace));
            after = YamlText.block(changed);
        }
        if (apply != null) {
            ConfigPatch.apply(changed, loadYamlObject(apply));
            after = YamlText.block(changed);
        }
        if (!sets.isEmpty() || !pgs.isEmpty()) {
            List<String> pairs = new ArrayList<>(sets);
            pgs.forEach(p -> pairs.add("postgresql.parameters." + p.stripLeading()));
            for (String pair : pairs) {
                setPair(changed, pair);
            }
            after = YamlText.block(changed);
        }
        if (after == null) {
            after = invokeEditor(before, name);
            Object edited = parseYaml(after);
            changed = edited instanceof Map<?, ?> ? asMap(edited) : new LinkedHashMap<>();
        }
        if (jsonEquals(original, changed)) {
            if (!quiet) {
                root.out.println("Not changed");
            }
            return 0;
        }
        if (!quiet) {
            UnifiedDiff.lines(before, after).forEach(root.out::println);
        }
        // the same rules as PATCH /config: the node would reject (or misread) what fails them
        List<io.jpatroni.core.config.ConfigProblem> problems = io.jpatroni.core.config.DynamicConfig.check(changed);
        if (!problems.isEmpty()) {
            throw new CtlException("Invalid configuration, not applied:\n" + String.join("\n",
                    problems.stream().map(Object::toString).toList()));
        }
        if (("-".equals(apply) || "-".equals(replace)) && !force) {
            root.out.println("Use --force option to apply changes");
            return 0;
        }
        if (force || root.console().confirm("Apply these changes?")) {
            long version = view.raw().config().get().version();
            if (!root.admin().writeConfig(name, CompactJson.write(changed), OptionalLong.of(version))) {
                throw new CtlException("Config modification aborted due to concurrent changes");
            }
            root.out.println("Configuration changed");
        }
        return 0;
    }

    /** {@code a.b.c=V}: V parsed as YAML, null deletes, emptied parents go; GUC names keep their dots. */
    static void setPair(Map<String, Object> config, String pair) {
        int eq = pair.indexOf('=');
        if (pair.isEmpty() || eq < 0) {
            throw new CtlException("Invalid parameter setting " + pair);
        }
        List<String> path = List.of(pair.substring(0, eq).strip().split("\\.", -1));
        setPath(config, path, parseYaml(pair.substring(eq + 1)), List.of());
    }

    @SuppressWarnings("unchecked")
    private static void setPath(Map<String, Object> config, List<String> path, Object value, List<String> prefix) {
        if (prefix.equals(List.of("postgresql", "parameters"))) {
            path = List.of(String.join(".", path));
        }
        String key = path.get(0);
        if (path.size() == 1) {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
            return;
        }
        if (!(config.get(key) instanceof Map<?, ?>)) {
            config.put(key, new LinkedHashMap<String, Object>());
        }
        Map<String, Object> child = (Map<String, Object>) config.get(key);
        List<String> deeper = new ArrayList<>(prefix);
        deeper.add(key);
        setPath(child, path.subList(1, path.size()), value, deeper);
        if (child.isEmpty()) {
            config.remove(key);
        }
    }

    private Map<String, Object> loadYamlObject(String source) throws IOException {
        String text = "-".equals(source) ? readStdin() : Files.readString(Path.of(source), StandardCharsets.UTF_8);
        Object parsed = parseYaml(text);
        if (parsed == null) {
            return Map.of();
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new CtlException("The configuration in " + source + " is not a mapping");
        }
        return asMap(parsed);
    }

    private String readStdin() throws IOException {
        return root.readAllInput();
    }

    static Object parseYaml(String text) {
        try {
            return ConfigPatch.copy(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
        } catch (YAMLException e) {
            throw new CtlException("Invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) ConfigPatch.copy(value);
    }

    private String invokeEditor(String before, String name) throws Exception {
        Path file = Files.createTempFile(name.replace('/', '_') + "-config-", ".yaml");
        try {
            Files.writeString(file, before, StandardCharsets.UTF_8);
            int code = root.editor().edit(file);
            if (code != 0) {
                throw new CtlException("Editor exited with return code " + code);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static List<String> externalEditor() {
        String env = System.getenv("EDITOR");
        if (env != null && !env.isBlank()) {
            return List.of(env.trim().split("\\s+"));
        }
        for (String candidate : List.of("editor", "vi")) {
            Optional<Path> found = onPath(candidate);
            if (found.isPresent()) {
                return List.of(found.get().toString());
            }
        }
        throw new CtlException("EDITOR environment variable is not set. editor or vi are not available");
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Python's {@code ==} on JSON values: key order ignored, {@code 1 == 1.0}. */
    static boolean jsonEquals(Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) {
                return false;
            }
            return ma.keySet().stream().allMatch(k -> jsonEquals(ma.get(k), mb.get(k)));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!jsonEquals(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Number na && b instanceof Number nb) {
            try {
                return new BigDecimal(na.toString()).compareTo(new BigDecimal(nb.toString())) == 0;
            } catch (NumberFormatException e) {
                return na.equals(nb);
            }
        }
        return a == null ? b == null : a.equals(b);
    }
}
