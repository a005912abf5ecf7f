package io.jpatroni.plugin.dcs.etcd;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsProvider;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.plugin.PluginContext;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@code etcd3:} section and, because jpatroni has no etcd v2 client, the
 * {@code etcd:} section too: both go through etcd's v3 API (dcs.md §4.1).
 */
@Extension
public final class EtcdDcsProvider implements DcsProvider {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDcsProvider.class);
    private static final AtomicBoolean V2_NOTICE_LOGGED = new AtomicBoolean();

    @Override
    public String id() {
        return "etcd3";
    }

    @Override
    public Set<String> sections() {
        return Set.of("etcd3", "etcd");
    }

    @Override
    public Dcs create(DcsSettings settings, PluginContext context) throws DcsException {
        if ("etcd".equals(settings.section()) && V2_NOTICE_LOGGED.compareAndSet(false, true)) {
            LOG.warn("etcd: section served through the etcd v3 API (jpatroni has no v2 client);"
                    + " keys written by Patroni through the v2 API are not visible to it");
        }
        EtcdDcsConfig config = EtcdDcsConfig.parse(settings.section(), settings.options());
        return new EtcdDcs(config, settings);
    }
}
