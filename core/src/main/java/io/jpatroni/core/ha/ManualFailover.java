package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.ClusterView.FailoverRequest;
import io.jpatroni.core.cluster.MemberInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A pending switchover or manual failover (the DCS {@code failover} key): the leader's side
 * (ha-loop.md §14.3), the candidates' side (§8.3) and whether anybody could take over (§8.4).
 */
final class ManualFailover {

    private ManualFailover() {
    }

    /** "switchover" when the request names the leader to step down, else "manual failover". */
    static String actionName(FailoverRequest request) {
        return request.leader().isPresent() ? "switchover" : "manual failover";
    }

    /**
     * The lock holder's reaction to a request, after renewing the lock: step down gracefully when
     * someone healthy can take over, otherwise clear the request. Empty = nothing to do now.
     */
    static Optional<Decision> leaderSide(HaInput in) {
        Optional<FailoverRequest> pending = in.cluster().failover();
        if (pending.isEmpty() || (in.settings().pause() && !in.local().runningAsPrimary())) {
            return Optional.empty();
        }
        FailoverRequest request = pending.get();
        String me = in.local().name();
        String action = actionName(request);
        HaAction clear = new HaAction.ClearFailover(OptionalLong.of(request.version()));
        if (request.scheduledAt().isPresent()) {
            if (in.settings().pause()) {
                return Optional.empty(); // scheduled actions never run while paused
            }
            Duration untilDue = Duration.between(in.now(), request.scheduledAt().get().toInstant());
            if (untilDue.toMillis() > 0) {
                return Optional.empty(); // "Awaiting <action> at ...": the loop looks again within loop_wait
            }
            if (-untilDue.toMillis() > in.settings().loopWait() * 1500L) {
                return Optional.of(Decision.of("Found a stale " + action + " value, cleaning up", clear));
            }
        }
        if (request.leader().isPresent() && !request.leader().get().equals(me)) {
            return Optional.of(Decision.of(action + ": leader name does not match: " + request.leader().get()
                    + " != " + me, clear));
        }
        if (request.candidate().map(me::equals).orElse(false)) {
            return Optional.of(Decision.of(action + ": I am already the leader, no need to " + action, clear));
        }
        if (request.candidate().isEmpty() && in.settings().pause()) {
            return Optional.of(Decision.of(action + " is possible only to a specific candidate in a paused state",
                    clear));
        }
        if (!failoverPossible(in, false)) {
            return Optional.of(Decision.of(action + ": no healthy members found, " + action + " is not possible",
                    clear));
        }
        return Optional.of(Decision.of(action + ": demoting myself", new HaAction.Demote(DemoteMode.GRACEFUL)));
    }

    /**
     * §8.3 for a node in the leader race while a request is pending: true = take the lock,
     * false = let others, empty = the request says nothing about me (compare as usual).
     */
    static Optional<Boolean> candidateSide(HaInput in) {
        FailoverRequest request = in.cluster().failover().orElseThrow();
        String me = in.local().name();
        if (request.candidate().isPresent()) {
            String candidate = request.candidate().get();
            if (candidate.equals(me)) {
                return Optional.of(true);
            }
            if (in.settings().pause()) {
                return Optional.of(false);
            }
            if (in.settings().synchronousMode() && !in.inSync(me)) {
                return Optional.of(false);
            }
            // A switchover candidate that dropped out of the sync key would refuse the lock (§8.2 step 7):
            // waiting for it would leave the cluster without a leader (simulator finding 8, seed 595).
            boolean candidateMayTakeOver = !(in.syncActive() && request.leader().isPresent() && !in.inSync(candidate));
            boolean candidateHealthy = candidateMayTakeOver && in.cluster().member(candidate).isPresent()
                    && in.peers().stream().anyMatch(p -> p.name().equals(candidate) && p.usable());
            if (candidateHealthy) {
                return Optional.of(false);
            }
            // The named candidate cannot take over: continue as if no candidate was given.
        } else if (in.settings().pause()) {
            return Optional.of(false);
        }
        if (request.leader().map(me::equals).orElse(false)) {
            return Optional.of(!failoverPossible(in, true));
        }
        // Only the candidate the operator named may skip the lag check (it returned above). Any other
        // node stays within maximum_lag_on_failover of the last published position, as in an
        // automatic failover: Patroni skips it for everybody, which lets a node that cannot see the
        // caught-up replicas promote far behind (simulator seed 969).
        return Optional.of(Healthiest.comparesWellWithPeers(in, true, request.leader().map(Set::of).orElse(Set.of())));
    }

    /**
     * §8.4: at least one other member could take over — reachable, allowed to fail over, not lagging
     * more than maximum_lag_on_failover behind the last published position. With a named candidate
     * only that one counts, unless {@code excludeCandidate}, when it is left out. In synchronous mode
     * only synchronous standbys count, except for a failover that names no leader.
     */
    static boolean failoverPossible(HaInput in, boolean excludeCandidate) {
        Optional<String> candidate = in.cluster().failover().flatMap(FailoverRequest::candidate);
        boolean failoverWithoutLeader = in.cluster().failover().map(f -> f.leader().isEmpty()).orElse(false);
        boolean syncOnly = in.settings().synchronousMode() && !failoverWithoutLeader;
        List<String> names = in.cluster().members().stream()
                .filter(m -> !m.name().equals(in.local().name()) && !m.nofailover() && !m.apiUrl().isEmpty())
                .filter(m -> !syncOnly || in.cluster().sync().matches(m.name(), false))
                .map(MemberInfo::name)
                .filter(n -> excludeCandidate ? !candidate.map(n::equals).orElse(false)
                        : candidate.map(n::equals).orElse(true))
                .toList();
        long clusterTimeline = in.cluster().timeline();
        return in.peers().stream()
                .filter(p -> names.contains(p.name()) && p.usable())
                // Positions on the cluster's history, as the candidates themselves will measure them in
                // the race (finding 9): raw LSNs here let the leader hand over to nobody (seed 34217).
                .filter(p -> in.cluster().statusOptime()
                        - Healthiest.onClusterHistory(in.cluster(), p.timeline().orElse(0), p.walPosition())
                        <= in.settings().maximumLagOnFailover() || in.cluster().statusOptime() == 0)
                .anyMatch(p -> !in.settings().checkTimeline()
                        || p.timeline().orElse(0) >= clusterTimeline && p.timeline().isPresent());
    }
}
