package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.PeerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /switchover}, {@code POST /failover} and {@code DELETE /switchover} (rest-api.md
 * §7.5, §7.6; ha-loop.md §14.1): validate the request, check that someone could take over, write
 * the {@code failover} key and, unless scheduled, wait for the DCS to show the outcome.
 */
public final class SwitchoverResource implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchoverResource.class);
    private static final String SWITCHOVER = "switchover";
    private static final String FAILOVER = "failover";

    private final NodeOperations ops;
    private final Pacer pacer;
    private final Clock clock;

    public SwitchoverResource(NodeOperations ops, Pacer pacer, Clock clock) {
        this.ops = ops;
        this.pacer = pacer;
        this.clock = clock;
    }

    @Override
    public void register(Routes routes) {
        routes.add("POST", SWITCHOVER, r -> post(r, SWITCHOVER), true);
        routes.add("POST", FAILOVER, r -> post(r, FAILOVER), true);
        routes.add("DELETE", SWITCHOVER, r -> delete(), true);
    }

    RestResponse post(RestRequest request, String requested) throws InterruptedException {
        Map<String, Object> body = JsonBody.required(request);
        Optional<String> leader = text(body.get("leader"));
        Optional<String> candidate = text(body.get("candidate")).or(() -> text(body.get("member")));
        Optional<String> scheduledText = text(body.get("scheduled_at"));
        ClusterView cluster = read();
        boolean paused = DynamicFlags.of(cluster.config()).paused();
        LOG.info("received {} request with leader={} candidate={} scheduled_at={}", requested,
                leader.orElse(null), candidate.orElse(null), scheduledText.orElse(null));

        String action = requested;
        if (FAILOVER.equals(action) && candidate.isEmpty()) {
            return bad("Failover could be performed only to a specific candidate");
        }
        if (SWITCHOVER.equals(action) && leader.isEmpty()) {
            return bad("Switchover could be performed only from a specific leader");
        }
        Optional<OffsetDateTime> scheduledAt = Optional.empty();
        if (scheduledText.isPresent()) {
            if (FAILOVER.equals(action)) {
                return bad("Failover can't be scheduled");
            }
            if (paused) {
                return bad("Can't schedule switchover in the paused state");
            }
            scheduledAt = Optional.of(Timestamps.requireFuture(scheduledText.get(), SWITCHOVER, clock));
        }
        if (paused && candidate.isEmpty()) {
            return bad("Switchover is possible only to a specific candidate in a paused state");
        }
        if (FAILOVER.equals(action) && leader.isPresent()) {
            LOG.warn("received failover request with leader specified - performing switchover instead");
            action = SWITCHOVER;
        }
        if (leader.isPresent() && leader.equals(candidate)) {
            return bad("Switchover target and source are the same");
        }
        if (scheduledAt.isEmpty()) {
            Optional<String> refusal = infeasible(cluster, leader, candidate, action);
            if (refusal.isPresent()) {
                return RestResponse.text(412, refusal.get());
            }
        }
        if (!ops.writeFailover(failoverValue(leader, candidate, scheduledAt), OptionalLong.empty())) {
            return RestResponse.text(503, "failed to write failover key into DCS");
        }
        ops.wakeLoop();
        if (scheduledAt.isPresent()) {
            return RestResponse.text(202, title(action) + " scheduled");
        }
        return poll(cluster.leaderName(), candidate, action);
    }

    /** The DCS value: {@code {"leader":…,"member":…,"scheduled_at":…}}, absent parts left out. */
    static String failoverValue(Optional<String> leader, Optional<String> candidate,
                                Optional<OffsetDateTime> scheduledAt) {
        Map<String, Object> value = new LinkedHashMap<>();
        leader.ifPresent(l -> value.put("leader", l));
        candidate.ifPresent(c -> value.put("member", c));
        scheduledAt.ifPresent(at -> value.put("scheduled_at", PyTime.isoformat(at)));
        return CompactJson.write(value);
    }

    /** The feasibility check of rest-api.md §7.5 step 6; empty when someone can take over. */
    private Optional<String> infeasible(ClusterView cluster, Optional<String> leader, Optional<String> candidate,
                                       String action) {
        Optional<String> current = cluster.leaderName();
        if (leader.isPresent() && !leader.equals(current)) {
            return Optional.of("leader name does not match");
        }
        DynamicFlags flags = DynamicFlags.of(cluster.config());
        boolean strictSync = flags.synchronousMode() && !flags.quorumCommit();
        List<MemberInfo> members;
        if (candidate.isPresent()) {
            if (SWITCHOVER.equals(action) && strictSync && !cluster.sync().matches(candidate.get(), false)) {
                return Optional.of("candidate name does not match with sync_standby");
            }
            members = cluster.members().stream().filter(m -> m.name().equals(candidate.get())).toList();
            if (members.isEmpty()) {
                return Optional.of("candidate does not exists");
            }
        } else if (strictSync) {
            members = cluster.members().stream().filter(m -> cluster.sync().matches(m.name(), false)).toList();
            if (members.isEmpty()) {
                return Optional.of(action + " is not possible: can not find sync_standby");
            }
        } else {
            members = cluster.members().stream()
                    .filter(m -> current.isEmpty() || !m.name().equals(current.get()) && !m.apiUrl().isEmpty())
                    .toList();
            if (members.isEmpty()) {
                return Optional.of(action + " is not possible: cluster does not have members except leader");
            }
        }
        for (PeerStatus status : ops.peerStatuses(members)) {
            if (status.usable()) {
                return Optional.empty();
            }
        }
        return Optional.of(action + " is not possible: no good candidates have been found");
    }

    /** Once a second for 2 × max(10, loop_wait) seconds: has the lock moved, or the request vanished? */
    private RestResponse poll(Optional<String> oldLeader, Optional<String> candidate, String action)
            throws InterruptedException {
        int rounds = 2 * Math.max(10, ops.loopWait());
        String verb = SWITCHOVER.equals(action) ? "switched over" : "failed over";
        for (int i = 0; i < rounds; i++) {
            pacer.pause(Duration.ofSeconds(1));
            ClusterView cluster;
            try {
                cluster = ops.readCluster();
            } catch (DcsException | RuntimeException e) {
                LOG.debug("Exception occurred during polling {} result: {}", action, e.toString());
                continue;
            }
            Optional<String> now = cluster.leaderName();
            if (now.isPresent() && !now.equals(oldLeader)) {
                if (candidate.isEmpty() || candidate.equals(now)) {
                    return RestResponse.text(200, "Successfully " + verb + " to \"" + now.get() + "\"");
                }
                return RestResponse.text(200, capitalise(verb) + " to \"" + now.get() + "\" instead of \""
                        + candidate.get() + "\"");
            }
            if (cluster.failover().isEmpty()) {
                return RestResponse.text(503, title(action) + " failed");
            }
        }
        return RestResponse.text(503, title(action) + " status unknown");
    }

    RestResponse delete() {
        ClusterView cluster = read();
        Optional<ClusterView.FailoverRequest> failover = cluster.failover();
        if (failover.isEmpty() || failover.get().scheduledAt().isEmpty()) {
            return RestResponse.text(404, "no switchover is scheduled");
        }
        if (!ops.writeFailover("{}", OptionalLong.of(failover.get().version()))) {
            return new RestResponse.ErrorPage(409);
        }
        return RestResponse.text(200, "scheduled switchover deleted");
    }

    private ClusterView read() {
        try {
            return ops.readCluster();
        } catch (DcsException e) {
            LOG.warn("could not read the cluster from DCS: {}", e.getMessage());
            throw new RestError(new RestResponse.ErrorPage(503));
        }
    }

    /** Python truthiness for the request fields: null and "" mean "not given"; other values as text. */
    private static Optional<String> text(Object value) {
        if (value == null || value instanceof Boolean b && !b) {
            return Optional.empty();
        }
        String s = value instanceof String str ? str : io.jpatroni.core.config.ValueParsers.pythonStr(value);
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static RestResponse bad(String message) {
        return RestResponse.text(400, message);
    }

    private static String title(String action) {
        return capitalise(action);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
