package io.jpatroni.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;

/**
 * The local configuration of one node, typed: patroni.yml (file or directory) with the {@code PATRONI_*}
 * environment overrides merged in. {@code raw} is that merged map; sections without a typed view
 * ({@code ctl}, {@code citus}, TLS keys of {@code restapi}, ...) are read from it.
 */
public record PatroniConfig(String name, String scope, String namespace, RestApiConfig restapi, DcsSection dcs,
                            Optional<BootstrapConfig> bootstrap, PostgresqlConfig postgresql, WatchdogConfig watchdog,
                            Tags tags, LogConfig log, Map<String, Object> raw) {

    public PatroniConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(restapi, "restapi");
        Objects.requireNonNull(dcs, "dcs");
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(postgresql, "postgresql");
        Objects.requireNonNull(watchdog, "watchdog");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(log, "log");
        raw = Frozen.map(raw);
    }

    /** What the DCS plugin needs to connect. */
    public DcsSettings dcsSettings(DcsTiming timing) {
        return dcs.settings(namespace, scope, name, timing);
    }

    /** A top-level section of {@link #raw()} as a map (empty if absent or not a map). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> section(String key) {
        return raw.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public String toString() {
        return "PatroniConfig[name=" + name + ", scope=" + scope + ", namespace=" + namespace + ", restapi=" + restapi
                + ", dcs=" + dcs + ", bootstrap=" + bootstrap + ", postgresql=" + postgresql + ", watchdog=" + watchdog
                + ", tags=" + tags + ", log=" + log + "]";
    }
}
