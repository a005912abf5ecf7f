package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.StoredValue;
import io.jpatroni.core.cluster.ClusterView;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PATCH /config} and {@code PUT /config} (rest-api.md §6): changes to the dynamic
 * configuration written to the DCS {@code config} key, after which the HA loop is woken up.
 */
public final class ConfigResource implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigResource.class);

    private final NodeOperations ops;

    public ConfigResource(NodeOperations ops) {
        this.ops = ops;
    }

    @Override
    public void register(Routes routes) {
        routes.add("PATCH", "config", this::patch, true);
        routes.add("PUT", "config", this::put, true);
    }

    RestResponse patch(RestRequest request) {
        Map<String, Object> body = JsonBody.required(request);
        ClusterView cluster = read();
        Optional<StoredValue> stored = cluster.raw().config();
        if (stored.isEmpty() || stored.get().modifyVersion() == 0) {
            return new RestResponse.ErrorPage(503);
        }
        Map<String, Object> config = ConfigPatch.copyMap(cluster.config());
        if (ConfigPatch.apply(config, body)
                && !ops.writeConfig(CompactJson.write(config), OptionalLong.of(stored.get().version()))) {
            return new RestResponse.ErrorPage(409);
        }
        ops.wakeLoop();
        return RestResponse.json(200, PyJson.write(config));
    }

    RestResponse put(RestRequest request) {
        Map<String, Object> body = JsonBody.required(request);
        ClusterView cluster = read();
        boolean same = cluster.raw().config().isPresent() && ConfigPatch.deepEquals(body, cluster.config());
        if (!same && !ops.writeConfig(CompactJson.write(body), OptionalLong.empty())) {
            return new RestResponse.ErrorPage(502);
        }
        return RestResponse.json(200, PyJson.write(body));
    }

    private ClusterView read() {
        try {
            return ops.readCluster();
        } catch (DcsException e) {
            LOG.warn("could not read the cluster from DCS: {}", e.getMessage());
            throw new RestError(new RestResponse.ErrorPage(503));
        }
    }
}
