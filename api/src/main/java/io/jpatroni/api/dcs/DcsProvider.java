package io.jpatroni.api.dcs;

import io.jpatroni.api.plugin.PluginContext;
import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/** A DCS backend, contributed by a plugin and selected by the name of a patroni.yml section. */
public interface DcsProvider extends ExtensionPoint {

    /** Short id used in logs, e.g. {@code etcd3}. */
    String id();

    /**
     * The configuration sections this backend serves, e.g. {@code etcd3} and {@code etcd}. The
     * plugin's {@code plugin.properties} declares the same list ({@code jpatroni.dcs.sections}), so
     * that the core accepts the section before loading the plugin.
     */
    Set<String> sections();

    /**
     * What is wrong with the section's options, one readable problem per entry naming the key, the
     * bad value and the fix (e.g. {@code "namespace: 'Kube Sys' is not a valid namespace name, use
     * lower-case letters, digits and '-'"}); empty when the section is usable. Called by
     * {@code --validate-config} and at start, before {@link #create}; a non-empty list stops the
     * daemon. Must only look at the settings: no network, no files, within milliseconds.
     */
    default List<String> validate(DcsSettings settings) {
        return List.of();
    }

    Dcs create(DcsSettings settings, PluginContext context) throws DcsException;
}
