package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;

/**
 * The DCS section that selects the backend: its name ({@code etcd3}, {@code etcd}, {@code zookeeper},
 * {@code consul}, ...) and its raw options as written in patroni.yml (after environment overrides).
 */
public record DcsSection(String name, Map<String, Object> options) {

    /** Patroni looks for DCS sections in this order and takes the first one present (config.md §3.1). */
    public static final List<String> PATRONI_ORDER =
            List.of("consul", "etcd", "etcd3", "exhibitor", "kubernetes", "raft", "zookeeper");
    /**
     * Sections whose options the core checks itself (jpatroni ships their plugins), in the order they
     * are listed to users. Any other section is accepted when an installed plugin declares it
     * ({@code jpatroni.dcs.sections}) and is checked by that plugin ({@code DcsProvider.validate}).
     */
    public static final List<String> SUPPORTED = List.of("etcd3", "etcd", "zookeeper", "consul");

    public DcsSection {
        Objects.requireNonNull(name, "name");
        options = Frozen.map(options);
    }

    /**
     * The endpoints written as {@code hosts} (a list, or one comma-separated string) or else {@code host};
     * empty when neither is given (e.g. {@code url}/{@code srv} used instead).
     */
    public List<String> hosts() {
        Object hosts = options.get("hosts");
        if (hosts == null) {
            hosts = options.get("host");
        }
        List<String> out = new ArrayList<>();
        if (hosts instanceof List<?> l) {
            for (Object o : l) {
                if (o != null) {
                    out.add(ValueParsers.pythonStr(o).strip());
                }
            }
        } else if (hosts != null) {
            for (String part : ValueParsers.pythonStr(hosts).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    /** The settings handed to the backend plugin. */
    public DcsSettings settings(String namespace, String scope, String memberName, DcsTiming timing) {
        // DcsSettings copies with Map.copyOf, which refuses nulls: an empty YAML value means "not set" anyway
        Map<String, Object> set = new java.util.LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (v != null) {
                set.put(k, v);
            }
        });
        return new DcsSettings(name, set, namespace, scope, memberName, timing);
    }

    @Override
    public String toString() {
        return "DcsSection[name=" + name + ", options=" + Secrets.mask(options) + "]";
    }
}
