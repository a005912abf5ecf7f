package io.jpatroni.plugin.dcs.zookeeper;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.plugin.PluginContext;
import java.util.Set;
import org.pf4j.Extension;

/** Serves the {@code zookeeper:} section through Apache Curator (dcs.md §4.3). */
@Extension
public final class ZooKeeperDcsProvider implements DcsProvider {

    @Override
    public String id() {
        return "zookeeper";
    }

    @Override
    public Set<String> sections() {
        return Set.of("zookeeper");
    }

    @Override
    public Dcs create(DcsSettings settings, PluginContext context) throws DcsException {
        return new ZooKeeperDcs(ZooKeeperConfig.parse(settings.options()), settings);
    }
}
