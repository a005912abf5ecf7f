package io.jpatroni.api.dcs;

import io.jpatroni.api.plugin.PluginContext;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/** A DCS backend, contributed by a plugin and selected by the name of a patroni.yml section. */
public interface DcsProvider extends ExtensionPoint {

    /** Short id used in logs, e.g. {@code etcd3}. */
    String id();

    /** The configuration sections this backend serves, e.g. {@code etcd3} and {@code etcd}. */
    Set<String> sections();

    Dcs create(DcsSettings settings, PluginContext context) throws DcsException;
}
