package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.rest.PostgresVersions;
import io.jpatroni.core.rest.PyJson;
import io.jpatroni.core.rest.PyTime;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restart CLUSTER_NAME [MEMBER_NAMES]... [-r ROLE] [--any] [--scheduled TIME] [--pg-version VER]
 * [--pending] [--timeout T] [--force]} (patronictl.md §3.5): {@code POST /restart} on each member.
 */
@Command(name = "restart", description = "Restart cluster member", sortOptions = false)
final class RestartCommand implements Callable<Integer> {

    private static final DateTimeFormatter NEXT_HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
    String clusterName;

    @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
    List<String> memberNames = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = {"-r", "--role"}, paramLabel = "ROLE", converter = Members.RoleConverter.class,
            description = "Restart only members with this role (default: any)")
    String role;

    @Option(names = "--any", description = "Restart a single member only")
    boolean any;

    @Option(names = "--scheduled", paramLabel = "TIME",
            description = "Timestamp of a scheduled restart in unambiguous format (e.g. ISO 8601)")
    String scheduled;

    @Option(names = {"--pg-version", "--pg_version"}, paramLabel = "VERSION",
            description = "Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)")
    String version;

    @Option(names = "--pending", description = "Restart if pending")
    boolean pending;

    @Option(names = "--timeout", paramLabel = "T", description = "Return error and fail over if necessary when "
            + "restarting takes longer than this")
    String timeout;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    private final JpatronictlCommand root;

    RestartCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(clusterName);
        String chosenRole = role == null ? "any" : role;
        List<MemberInfo> members = MemberSelection.select(root, view, clusterName, memberNames, chosenRole,
                "'" + chosenRole + "'", force, "restart", false);
        Console console = root.console();
        String when = scheduled;
        if (when == null && !force) {
            String example = LocalDateTime.now(root.clock).plusHours(1).format(NEXT_HOUR);
            when = console.prompt("When should the restart take place (e.g. " + example + ") ", "now");
        }
        Optional<OffsetDateTime> scheduledAt = ManualFailover.parseScheduled(when, root);
        if (pending && scheduledAt.isEmpty()) {
            members = members.stream().filter(m -> MemberInfo.truthy(m.data().get("pending_restart"))).toList();
        }
        if (any && members.size() > 1) {
            members = List.of(members.get(ThreadLocalRandom.current().nextInt(members.size())));
        }
        if (!force) {
            if (scheduledAt.isEmpty()) {
                MemberSelection.confirm(root, members, false, "restart");
            } else {
                String question = pending
                        ? "The nodes needing a restart will be identified at the scheduled time, and might be "
                        + "different from the ones showing pending restart right now. Is this fine?"
                        : "Are you sure you want to schedule restart of members " + MemberSelection.names(members)
                        + " at " + PyTime.isoformat(scheduledAt.get()) + "?";
                if (!console.confirm(question)) {
                    throw new CtlException("Aborted scheduled restart");
                }
            }
        }
        String pgVersion = version;
        if (pgVersion == null && !force) {
            pgVersion = console.prompt("Restart if the PostgreSQL version is less than provided (e.g. 9.5.2) ", "");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (pending) {
            body.put("restart_pending", true);
        }
        if (pgVersion != null && !pgVersion.isEmpty()) {
            Optional<String> problem = PostgresVersions.problem(pgVersion);
            if (problem.isPresent()) {
                throw new CtlException(problem.get());
            }
            body.put("postgres_version", pgVersion);
        }
        if (scheduledAt.isPresent()) {
            if (Members.paused(view)) {
                throw new CtlException("Can't schedule restart in the paused state");
            }
            body.put("schedule", PyTime.isoformat(scheduledAt.get()));
        }
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        MemberApi api = root.members();
        for (MemberInfo member : members) {
            try {
                if (body.containsKey("schedule") && force && member.data().get("scheduled_restart") != null) {
                    MemberApi.Response flushed = api.call(member.apiUrl(), "DELETE", "restart", Optional.empty());
                    if (flushed.status() >= 400) {
                        root.out.println("Failed: flush scheduled restart for member " + member.name()
                                + ", status code=" + flushed.status() + ", (" + flushed.body() + ")");
                    }
                }
                MemberApi.Response r = api.call(member.apiUrl(), "POST", "restart", Optional.of(PyJson.write(body)));
                switch (r.status()) {
                    case 200 -> root.out.println("Success: restart on member " + member.name());
                    case 202 -> root.out.println("Success: restart scheduled on member " + member.name());
                    case 409 -> root.out.println("Failed: another restart is already scheduled on member "
                            + member.name());
                    default -> root.out.println("Failed: restart for member " + member.name() + ", status code="
                            + r.status() + ", (" + r.body() + ")");
                }
            } catch (java.io.IOException e) {
                root.out.println("Failed: restart for member " + member.name() + ", " + e.getMessage());
            }
        }
        return 0;
    }
}
