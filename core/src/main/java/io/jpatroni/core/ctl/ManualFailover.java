package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.rest.CompactJson;
import io.jpatroni.core.rest.PyJson;
import io.jpatroni.core.rest.PyTime;
import io.jpatroni.core.rest.Timestamps;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow shared by {@code switchover} and {@code failover} (patronictl.md §3.3, §3.4): show the
 * topology, settle leader, candidate and time (asking when not given and not forced), confirm,
 * then ask the leader's REST API (the candidate's when there is no leader), falling back to a
 * direct DCS write when no API answers.
 */
final class ManualFailover {

    private static final Logger LOG = LoggerFactory.getLogger(ManualFailover.class);
    private static final DateTimeFormatter NEXT_HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private final JpatronictlCommand root;
    private final String action;

    ManualFailover(JpatronictlCommand root, String action) {
        this.root = root;
        this.action = action;
    }

    /**
     * @param switchover the request names the leader to demote ({@code switchover}, or 3.x's
     *                   {@code failover --leader})
     */
    int run(String clusterArg, boolean switchover, String leaderArg, String candidateArg, String scheduledArg,
            boolean force) throws Exception {
        String clusterName = root.clusterName(clusterArg);
        ClusterView view = root.read(clusterName);
        Console console = root.console();
        root.out.println("Current cluster topology");
        root.printMembers(view, clusterName, OutputFormat.PRETTY);

        Optional<String> current = view.leaderName();
        String leader = null;
        if (switchover) {
            if (current.isEmpty()) {
                throw new CtlException("This cluster has no leader");
            }
            leader = leaderArg;
            if (leader == null) {
                String label = Members.standbyCluster(view.config()) ? "Standby Leader" : "Primary";
                leader = force ? current.get() : console.prompt(label, current.get());
            }
            if (!leader.equals(current.get())) {
                throw new CtlException("Member " + leader + " is not the leader of cluster " + clusterName);
            }
        }

        List<String> candidates = view.members().stream()
                .filter(m -> !Members.isLeader(view, m) && !Members.nofailover(m))
                .map(MemberInfo::name).sorted().toList();
        if (candidates.isEmpty()) {
            throw new CtlException("No candidates found to " + action + " to");
        }
        String candidate = candidateArg;
        if (candidate == null && !force) {
            candidate = console.prompt("Candidate " + pythonList(candidates), "");
        }
        if (!switchover && (candidate == null || candidate.isEmpty())) {
            throw new CtlException("Failover could be performed only to a specific candidate");
        }
        if (candidate != null && !candidate.isEmpty() && !candidates.contains(candidate)) {
            if (current.isPresent() && candidate.equals(current.get())) {
                throw new CtlException("Member " + candidate + " is already the leader of cluster " + clusterName);
            }
            throw new CtlException("Member " + candidate + " does not exist in cluster " + clusterName
                    + " or is tagged as nofailover");
        }
        if (!force && !switchover && Members.synchronousMode(view) && view.sync().isActive()
                && !view.sync().matches(candidate, true)
                && !console.confirm("Are you sure you want to failover to the asynchronous node " + candidate + "?")) {
            throw new CtlException("Aborting " + action);
        }

        Optional<OffsetDateTime> scheduledAt = Optional.empty();
        if (switchover) {
            String scheduled = scheduledArg;
            if (scheduled == null && !force) {
                String example = LocalDateTime.now(root.clock).plusHours(1).format(NEXT_HOUR);
                scheduled = console.prompt("When should the " + action + " take place (e.g. " + example + " ) ",
                        "now");
            }
            scheduledAt = parseScheduled(scheduled, root);
            if (scheduledAt.isPresent() && Members.paused(view)) {
                throw new CtlException("Can't schedule " + action + " in the paused state");
            }
        }

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidate", candidate);
        if (switchover) {
            body.put("leader", leader);
        }
        scheduledAt.ifPresent(at -> body.put("scheduled_at", PyTime.isoformat(at)));

        if (!force) {
            String demote = current.map(l -> ", demoting current leader " + l).orElse("");
            if (scheduledAt.isPresent()) {
                if (!console.confirm("Are you sure you want to schedule " + action + " of cluster " + clusterName
                        + " at " + PyTime.isoformat(scheduledAt.get()) + demote + "?")) {
                    throw new CtlException("Aborting scheduled " + action);
                }
            } else if (!console.confirm("Are you sure you want to " + action + " cluster " + clusterName + demote
                    + "?")) {
                throw new CtlException("Aborting " + action);
            }
        }

        String endpoint = switchover && "failover".equals(action) ? "failover" : action;
        Optional<MemberInfo> target = view.leaderMember()
                .or(() -> Optional.ofNullable(body.get("candidate")).flatMap(c -> view.member((String) c)));
        try {
            if (target.isEmpty()) {
                throw new IOException("no member to send the request to");
            }
            MemberApi api = root.members();
            MemberApi.Response response = api.call(target.get().apiUrl(), "POST", endpoint,
                    Optional.of(PyJson.write(body)));
            if (response.status() == 501 && "switchover".equals(endpoint)) {
                // very old servers know only /failover
                response = api.call(target.get().apiUrl(), "POST", "failover", Optional.of(PyJson.write(body)));
            }
            if (response.status() != 200 && response.status() != 202) {
                root.out.println(capitalise(action) + " failed, details: " + response.status() + ", "
                        + response.body());
                return 0;
            }
            root.out.println(root.timestamp5() + " " + response.body());
        } catch (IOException e) {
            LOG.warn("{} request failed: {}; falling back to DCS", action, e.toString());
            root.out.println(root.timestamp5() + " Could not " + action + " using Patroni api, falling back to DCS");
            root.admin().writeFailover(clusterName, failoverValue(switchover ? leader : null, candidate, scheduledAt),
                    OptionalLong.empty());
        }
        root.printMembers(root.read(clusterName), clusterName, OutputFormat.PRETTY);
        return 0;
    }

    /** {@code now} or empty: immediately; a time without zone is local time (patronictl.md §2.3). */
    static Optional<OffsetDateTime> parseScheduled(String scheduled, JpatronictlCommand root) {
        if (scheduled == null || scheduled.isEmpty() || "now".equals(scheduled)) {
            return Optional.empty();
        }
        Optional<Timestamps.Parsed> parsed = Timestamps.parse(scheduled);
        if (parsed.isEmpty()) {
            throw new CtlException("Unable to parse scheduled timestamp (" + scheduled
                    + "). It should be in an unambiguous format (e.g. ISO 8601)");
        }
        return Optional.of(parsed.get().resolve(root.clock.getZone()));
    }

    private static String failoverValue(String leader, String candidate, Optional<OffsetDateTime> scheduledAt) {
        Map<String, Object> value = new LinkedHashMap<>();
        if (leader != null && !leader.isEmpty()) {
            value.put("leader", leader);
        }
        if (candidate != null && !candidate.isEmpty()) {
            value.put("member", candidate);
        }
        scheduledAt.ifPresent(at -> value.put("scheduled_at", PyTime.isoformat(at)));
        return CompactJson.write(value);
    }

    /** Python's rendering of a list of strings: {@code ['a', 'b']}. */
    static String pythonList(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
