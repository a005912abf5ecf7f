package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.plugin.PluginContext;
import java.util.Set;
import org.pf4j.Extension;

/** Serves the {@code consul:} section through Consul's HTTP API (dcs.md §4.2). */
@Extension
public final class ConsulDcsProvider implements DcsProvider {

    @Override
    public String id() {
        return "consul";
    }

    @Override
    public Set<String> sections() {
        return Set.of("consul");
    }

    @Override
    public Dcs create(DcsSettings settings, PluginContext context) throws DcsException {
        return new ConsulDcs(ConsulDcsConfig.parse(settings.options()), settings);
    }
}
