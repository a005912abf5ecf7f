package io.jpatroni.api.dcs;

import java.util.Map;

/**
 * What a backend needs to connect: the name of the configuration section that selected it
 * ({@code etcd3}, {@code etcd}, {@code zookeeper}, ...), that section's raw values as read from
 * patroni.yml, and the cluster identity.
 */
public record DcsSettings(String section, Map<String, Object> options, String namespace, String scope,
                          String memberName, DcsTiming timing) {

    public DcsSettings {
        options = Map.copyOf(options);
    }

    /** {@code /<namespace>/<scope>/}, slashes normalised as Patroni does (dcs.md §1). */
    public String basePath() {
        return KeyLayout.basePath(namespace, scope);
    }
}
