package io.jpatroni.core.rest;

import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks: the generic role/lag/tag check that answers every GET, HEAD and OPTIONS without
 * a handler of its own (rest-api.md §4.1-§4.3), plus {@code GET /liveness} and
 * {@code GET /readiness} (§4.5, §4.6).
 */
public final class HealthCheckResource implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(HealthCheckResource.class);

    private final RestContext context;

    public HealthCheckResource(RestContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.get("liveness", r -> liveness());
        routes.get("readiness", this::readiness);
    }

    /** GET: the status document with the computed code. */
    RestResponse get(RestRequest request) {
        NodeStatus status = context.status();
        return RestResponse.json(HealthCheck.code(request, status, context),
                StatusJson.render(status, context.scheduledRestart()));
    }

    /** HEAD, OPTIONS: the same code, nothing else. */
    RestResponse statusOnly(RestRequest request) {
        return new RestResponse.StatusOnly(HealthCheck.code(request, context.status(), context));
    }

    RestResponse liveness() {
        boolean alive = context.loopAlive() || context.status().pause();
        return new RestResponse.StatusOnly(alive ? 200 : 503);
    }

    RestResponse readiness(RestRequest request) {
        if (context.holdsLeaderLock()) {
            return new RestResponse.StatusOnly(200);
        }
        NodeStatus status = context.status();
        if (!"running".equals(status.state())) {
            return notReady("PostgreSQL is not running");
        }
        if (!status.replicationState().map("streaming"::equals).orElse(false)) {
            return notReady("PostgreSQL is not streaming");
        }
        if (!context.clusterKnown()) {
            if (context.failsafeModeIsActive()) {
                return new RestResponse.StatusOnly(200);
            }
            return notReady("DCS is not accessible and the leader position is unknown");
        }
        boolean write = request.param("mode").map("write"::equals).orElse(false);
        long position = status.xlog()
                .map(x -> (write ? x.receivedLocation() : x.replayedLocation()).orElse(0))
                .orElse(0L);
        long lag = context.leaderOptime() - position;
        OptionalLong requested = request.param("lag").map(LagLimit::parse).orElse(OptionalLong.empty());
        long limit = requested.isPresent() ? requested.getAsLong() : context.maximumLagOnFailover();
        if (lag > limit) {
            return notReady("replication lag " + lag + " exceeds " + limit);
        }
        return new RestResponse.StatusOnly(200);
    }

    private static RestResponse notReady(String reason) {
        LOG.debug("Readiness check failed: {}", reason);
        return new RestResponse.StatusOnly(503);
    }
}
