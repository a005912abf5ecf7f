package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.StoredValue;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.config.ConfigProblem;
import io.jpatroni.core.config.DynamicConfig;
import java.util.LinkedHashMap;
import java.util.List;
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
        boolean changed = ConfigPatch.apply(config, body);
        if (changed) {
            Optional<RestResponse> refused = refusal(config);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        if (changed && !ops.writeConfig(CompactJson.write(config), OptionalLong.of(stored.get().version()))) {
            return new RestResponse.ErrorPage(409);
        }
        ops.wakeLoop();
        return RestResponse.json(200, PyJson.write(config));
    }

    RestResponse put(RestRequest request) {
        Map<String, Object> body = JsonBody.required(request);
        ClusterView cluster = read();
        boolean same = cluster.raw().config().isPresent() && ConfigPatch.deepEquals(body, cluster.config());
        if (!same) {
            Optional<RestResponse> refused = refusal(body);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        if (!same && !ops.writeConfig(CompactJson.write(body), OptionalLong.empty())) {
            return new RestResponse.ErrorPage(502);
        }
        return RestResponse.json(200, PyJson.write(body));
    }

    /**
     * The merged result is checked, not the request alone: the node applies the whole object, and one
     * value it cannot use (ttl "abc") makes it reject every later version too. 400 with the reasons as
     * JSON (never text/html: the values are the client's own input).
     */
    static Optional<RestResponse> refusal(Map<String, Object> config) {
        List<ConfigProblem> problems = DynamicConfig.check(config);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", "invalid dynamic configuration, not stored");
        out.put("problems", problems.stream().map(ConfigProblem::toString).toList());
        LOG.warn("refused a dynamic configuration change: {}", out.get("problems"));
        return Optional.of(RestResponse.json(400, CompactJson.write(out)));
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
