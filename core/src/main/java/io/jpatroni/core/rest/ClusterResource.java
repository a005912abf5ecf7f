package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * What the DCS says about the whole cluster: {@code GET /cluster}, {@code /history},
 * {@code /config} and {@code /failsafe} (rest-api.md §5.2-§5.5). Served from the latest snapshot
 * the HA loop read; without one the answer is an error page, as Patroni's is when its DCS read fails.
 */
public final class ClusterResource implements Resource {

    private final RestContext context;

    public ClusterResource(RestContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.get("cluster", r -> cluster());
        routes.get("history", r -> history());
        routes.get("config", r -> config());
        routes.get("failsafe", r -> failsafe());
    }

    RestResponse cluster() {
        Optional<ClusterView> view = context.cluster();
        if (view.isEmpty()) {
            return new RestResponse.ErrorPage(503);
        }
        return RestResponse.json(200, ClusterJson.render(view.get(), context.scope()));
    }

    RestResponse history() {
        List<List<Object>> lines = context.cluster().flatMap(ClusterView::history).orElse(List.of());
        return RestResponse.json(200, PyJson.write(lines));
    }

    RestResponse config() {
        Optional<ClusterView> view = context.cluster().filter(v -> v.raw().config().isPresent());
        if (view.isEmpty()) {
            return new RestResponse.ErrorPage(502);
        }
        return RestResponse.json(200, PyJson.write(view.get().config()));
    }

    /** The failsafe topology, when failsafe_mode is on and the primary has published it. */
    RestResponse failsafe() {
        Optional<ClusterView> view = context.cluster()
                .filter(v -> DynamicFlags.of(v.config()).failsafeMode() && v.raw().failsafe().isPresent());
        if (view.isPresent()) {
            JsonNode topology = Json.parse(view.get().raw().failsafe().get().value());
            if (topology.isObject()) {
                return RestResponse.json(200, PyJson.write(Json.toMap(topology)));
            }
        }
        return new RestResponse.ErrorPage(502);
    }
}
