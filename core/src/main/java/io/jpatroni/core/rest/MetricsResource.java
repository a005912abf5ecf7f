package io.jpatroni.core.rest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /metrics}: Prometheus text exposition (rest-api.md §5.6). */
public final class MetricsResource implements Resource {

    private final RestContext context;

    public MetricsResource(RestContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.get("metrics", r -> new RestResponse.Body(200, "text/plain",
                PrometheusMetrics.render(context.status(), context.failsafeModeIsActive())
                        .getBytes(StandardCharsets.UTF_8), Map.of()));
    }
}
