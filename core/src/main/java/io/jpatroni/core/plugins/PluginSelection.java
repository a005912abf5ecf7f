package io.jpatroni.core.plugins;

import java.util.Map;
import java.util.Optional;

/**
 * Which installed plugins a configuration needs: the one serving its DCS section, those whose
 * {@code jpatroni.config.keys} appear in it, and those that declare nothing (always loaded).
 * A plugin nobody selected is never unpacked nor loaded, so a broken or incompatible plugin that
 * is merely installed cannot stop a node that does not use it.
 */
public record PluginSelection(boolean everything, Optional<String> dcsSection, Map<String, Object> raw) {

    public PluginSelection {
        raw = raw == null ? Map.of() : raw;
    }

    /** Every installed plugin (tests, tools listing plugins). */
    public static PluginSelection all() {
        return new PluginSelection(true, Optional.empty(), Map.of());
    }

    public static PluginSelection forDcs(String section) {
        return new PluginSelection(false, Optional.of(section), Map.of());
    }

    public static PluginSelection forConfig(String dcsSection, Map<String, Object> raw) {
        return new PluginSelection(false, Optional.ofNullable(dcsSection), raw);
    }

    public boolean selects(PluginDescriptor plugin) {
        if (everything || plugin.alwaysLoaded()) {
            return true;
        }
        if (dcsSection.filter(plugin.dcsSections()::contains).isPresent()) {
            return true;
        }
        return plugin.configKeys().stream().anyMatch(key -> valueAt(raw, key).isPresent());
    }

    /**
     * The value at a dotted key: {@code postgresql.pgbackrest} is raw.postgresql.pgbackrest, present
     * when raw.postgresql is a map holding that key (an empty YAML value is present, as {@code ""}).
     */
    static Optional<Object> valueAt(Map<String, Object> raw, String dottedKey) {
        Object node = raw;
        for (String part : dottedKey.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return Optional.empty();
            }
            node = map.get(part);
        }
        return Optional.of(node == null ? "" : node);
    }
}
