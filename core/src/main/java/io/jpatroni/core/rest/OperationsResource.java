package io.jpatroni.core.rest;

import io.jpatroni.core.config.ValueParsers;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /reload}, {@code POST /restart}, {@code DELETE /restart} and
 * {@code POST /reinitialize} (rest-api.md §7.1-§7.4): requests the node carries out on itself.
 */
public final class OperationsResource implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(OperationsResource.class);

    private final NodeOperations ops;
    private final Clock clock;

    public OperationsResource(NodeOperations ops, Clock clock) {
        this.ops = ops;
        this.clock = clock;
    }

    @Override
    public void register(Routes routes) {
        routes.add("POST", "reload", r -> reload(), true);
        routes.add("POST", "restart", this::restart, true);
        routes.add("DELETE", "restart", r -> cancelRestart(), true);
        routes.add("POST", "reinitialize", this::reinitialize, true);
    }

    RestResponse reload() {
        ops.requestReload();
        return RestResponse.text(202, "reload scheduled");
    }

    RestResponse restart(RestRequest request) {
        Map<String, Object> body = JsonBody.optional(request);
        if (!body.isEmpty()) {
            LOG.debug("received restart request: {}", body);
        }
        if (ops.paused() && body.containsKey("schedule")) {
            return RestResponse.text(500, "Can't schedule restart in the paused state");
        }
        Optional<OffsetDateTime> schedule = Optional.empty();
        Optional<String> role = Optional.empty();
        Optional<String> version = Optional.empty();
        Optional<Duration> timeout = Optional.empty();
        boolean pending = false;
        // validated in the order the client wrote them: the first bad one answers
        for (Map.Entry<String, Object> filter : body.entrySet()) {
            Object value = filter.getValue();
            switch (filter.getKey()) {
                case "schedule":
                    schedule = Optional.of(Timestamps.requireFuture(value, "restart", clock));
                    break;
                case "role":
                    role = Optional.of(role(value));
                    break;
                case "postgres_version":
                    String text = ValueParsers.pythonStr(value);
                    Optional<String> problem = PostgresVersions.problem(text);
                    if (problem.isPresent()) {
                        return RestResponse.text(400, problem.get());
                    }
                    version = Optional.of(text);
                    break;
                case "timeout":
                    OptionalLong seconds = ValueParsers.parseInt(value, "s");
                    if (seconds.isEmpty() || seconds.getAsLong() <= 0) {
                        return RestResponse.text(400, "Timeout should be a positive number of seconds");
                    }
                    timeout = Optional.of(Duration.ofSeconds(seconds.getAsLong()));
                    break;
                case "restart_pending":
                    pending = true;
                    break;
                default:
                    return RestResponse.text(400, "Unknown filter for the scheduled restart: " + filter.getKey());
            }
        }
        NodeOperations.RestartRequest filters = new NodeOperations.RestartRequest(role, version, timeout, pending);
        if (schedule.isPresent()) {
            return ops.scheduleRestart(schedule.get(), filters)
                    ? RestResponse.text(202, "Restart scheduled")
                    : RestResponse.text(409, "Another restart is already scheduled");
        }
        try {
            NodeOperations.Outcome outcome = ops.restart(filters);
            return RestResponse.text(outcome.ok() ? 200 : 503, outcome.message());
        } catch (RuntimeException e) {
            LOG.error("Exception during restart", e);
            return RestResponse.text(400, "restart failed");
        }
    }

    /** 4.x roles; 3.x's {@code master} is still understood as {@code primary}. */
    private static String role(Object value) {
        if (value instanceof String s) {
            switch (s) {
                case "primary", "standby_leader", "replica":
                    return s;
                case "master":
                    return "primary";
                default:
                    break;
            }
        }
        throw new RestError(RestResponse.text(400,
                "PostgreSQL role should be either primary, standby_leader, or replica"));
    }

    RestResponse cancelRestart() {
        return ops.cancelScheduledRestart()
                ? RestResponse.text(200, "scheduled restart deleted")
                : RestResponse.text(404, "no restarts are scheduled");
    }

    RestResponse reinitialize(RestRequest request) {
        Map<String, Object> body = JsonBody.optional(request);
        if (!body.isEmpty()) {
            LOG.debug("received reinitialize request: {}", body);
        }
        boolean force = ValueParsers.boolish(body.get("force")).orElse(false);
        boolean fromLeader = ValueParsers.boolish(body.get("from_leader")).orElse(false);
        NodeOperations.Outcome outcome = ops.reinitialize(force, fromLeader);
        return outcome.ok()
                ? RestResponse.text(200, "reinitialize started")
                : RestResponse.text(503, outcome.message());
    }
}
