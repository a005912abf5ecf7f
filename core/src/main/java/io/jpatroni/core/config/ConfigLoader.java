package io.jpatroni.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the local configuration as Patroni does (config.md §1.2): a YAML file, or every {@code *.yml} /
 * {@code *.yaml} file of a directory merged in name order, with the {@code PATRONI_*} environment
 * overrides merged on top; without a file, {@code PATRONI_CONFIGURATION} or the environment alone.
 * The environment map is a captured copy; nothing here changes the process environment.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    static final String CONFIGURATION_VARIABLE = "PATRONI_CONFIGURATION";

    /** A typed configuration and the warnings found while reading it. */
    public record Loaded(PatroniConfig config, List<ConfigProblem> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }
    }

    private ConfigLoader() {
    }

    /** The merged raw configuration (YAML + environment), before any typing. */
    public static Map<String, Object> loadRaw(Optional<Path> fileOrDir, Map<String, String> env) throws ConfigException {
        Map<String, String> environment = env == null ? Map.of() : env;
        EnvOverrides overrides = EnvOverrides.read(environment);
        if (fileOrDir.isPresent() && Files.exists(fileOrDir.get())) {
            Map<String, Object> config = loadPath(fileOrDir.get());
            merge(config, overrides.config());
            return config;
        }
        if (fileOrDir.isPresent()) {
            LOG.warn("configuration path {} does not exist; reading the configuration from the environment", fileOrDir.get());
        }
        Map<String, Object> config = null;
        String text = environment.get(CONFIGURATION_VARIABLE);
        if (text != null && !text.isEmpty()) {
            Object parsed = Yaml11.load(text, CONFIGURATION_VARIABLE);
            if (parsed != null && !(parsed instanceof Map<?, ?>)) {
                throw ConfigException.of(CONFIGURATION_VARIABLE, "", "does not contain a mapping (YAML read a "
                        + ConfigBinder.typeName(parsed) + ")");
            }
            config = asMap(parsed);
        }
        if (config == null || config.isEmpty()) {
            config = deepCopy(overrides.config());
        }
        if (config.isEmpty() && fileOrDir.isPresent()) {
            throw ConfigException.of(fileOrDir.get().toString(), "", "does not exist, and the environment holds no"
                    + " PATRONI_* configuration");
        }
        return config;
    }

    /** The typed configuration; throws with every ERROR (warnings are logged). */
    public static PatroniConfig load(Optional<Path> fileOrDir, Map<String, String> env) throws ConfigException {
        Loaded loaded = loadWithWarnings(fileOrDir, env);
        for (ConfigProblem w : loaded.warnings()) {
            LOG.warn("{}", w);
        }
        return loaded.config();
    }

    /** Like {@link #load} but hands the warnings to the caller instead of logging them. */
    public static Loaded loadWithWarnings(Optional<Path> fileOrDir, Map<String, String> env) throws ConfigException {
        return bind(loadRaw(fileOrDir, env));
    }

    /** Types an already merged raw configuration (e.g. after a reload). */
    public static Loaded bind(Map<String, Object> raw) throws ConfigException {
        ConfigBinder.Result result = ConfigBinder.bind(raw);
        if (result.config().isEmpty()) {
            throw new ConfigException(result.problems());
        }
        return new Loaded(result.config().get(),
                result.problems().stream().filter(pr -> !pr.isError()).toList());
    }

    private static Map<String, Object> loadPath(Path path) throws ConfigException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(f -> {
                    String n = f.getFileName().toString();
                    return (n.endsWith(".yml") || n.endsWith(".yaml")) && Files.isRegularFile(f);
                }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).forEach(files::add);
            } catch (IOException e) {
                throw ConfigException.of(path.toString(), "", "cannot be read: " + e.getMessage());
            }
        } else {
            files.add(path);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ConfigException.of(f.toString(), "", "cannot be read: " + e);
            }
            Object parsed = Yaml11.load(text, f.toString());
            if (parsed == null) {
                continue; // an empty file adds nothing
            }
            if (!(parsed instanceof Map<?, ?>)) {
                throw ConfigException.of(f.toString(), "", "does not contain a mapping (YAML read a "
                        + ConfigBinder.typeName(parsed) + "); invalid config file " + f);
            }
            merge(config, asMap(parsed));
        }
        return config;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object parsed) {
        return parsed == null ? new LinkedHashMap<>() : (Map<String, Object>) parsed;
    }

    /**
     * Deep merge as Patroni patches configurations: maps merge key by key, a null value deletes the key,
     * anything else replaces.
     */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object value = e.getValue();
            if (value == null) {
                target.remove(e.getKey());
            } else if (value instanceof Map<?, ?> pm && target.get(e.getKey()) instanceof Map<?, ?> tm) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) tm);
                merge(copy, (Map<String, Object>) pm);
                target.put(e.getKey(), copy);
            } else {
                target.put(e.getKey(), deepCopy(value));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, deepCopy(v)));
            return (T) out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(deepCopy(o));
            }
            return (T) out;
        }
        return value;
    }
}
