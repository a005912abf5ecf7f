package io.jpatroni.core.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.jpatroni.core.rest.PyJson;

/**
 * {@code reinit CLUSTER_NAME [MEMBER_NAMES]... [--from-leader] [--wait] [--force]} (patronictl.md
 * §3.7): {@code POST /reinitialize} on replicas, optionally waiting until they are cloned.
 */
@Command(name = "reinit", description = "Reinitialize cluster member", sortOptions = false)
final class ReinitCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReinitCommand.class);

    @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
    String clusterName;

    @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
    List<String> memberNames = new ArrayList<>();

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = "--force", description = "Do not ask for confirmation at any point")
    boolean force;

    @Option(names = "--wait", description = "Wait until reinitialization completes")
    boolean await;

    @Option(names = {"--from-leader", "--from_leader"},
            description = "Get basebackup from leader regardless of the configured replica methods")
    boolean fromLeader;

    private final JpatronictlCommand root;

    ReinitCommand(JpatronictlCommand root) {
        this.root = root;
    }

    @Override
    public Integer call() throws Exception {
        ClusterView view = root.read(clusterName);
        List<MemberInfo> members = MemberSelection.select(root, view, clusterName, memberNames, "replica", "replica",
                force, "reinitialize", true);
        MemberApi api = root.members();
        List<MemberInfo> waitOn = new ArrayList<>();
        for (MemberInfo member : members) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("force", force);
            body.put("from_leader", fromLeader);
            while (true) {
                MemberApi.Response r;
                try {
                    r = api.call(member.apiUrl(), "POST", "reinitialize", Optional.of(PyJson.write(body)));
                } catch (IOException e) {
                    root.out.println("Failed: reinitialize for member " + member.name() + ", " + e.getMessage());
                    break;
                }
                if (r.status() >= 400) {
                    root.out.println("Failed: reinitialize for member " + member.name() + ", status code="
                            + r.status() + ", (" + r.body() + ")");
                    if (r.body().endsWith(" already in progress") && !force
                            && root.console().confirm("Do you want to cancel it and reinitialize anyway?")) {
                        body.put("force", true);
                        continue;
                    }
                    break;
                }
                root.out.println("Success: reinitialize for member " + member.name());
                if (await) {
                    waitOn.add(member);
                }
                break;
            }
        }
        List<MemberInfo> shown = List.of();
        while (!waitOn.isEmpty()) {
            if (!waitOn.equals(shown)) {
                root.out.println("Waiting for reinitialize to complete on: " + MemberSelection.names(waitOn));
                root.out.flush();
                shown = List.copyOf(waitOn);
            }
            root.sleeper.sleep(Duration.ofSeconds(2));
            for (MemberInfo member : List.copyOf(waitOn)) {
                if (!"creating replica".equals(state(api, member))) {
                    root.out.println("Reinitialize is completed on: " + member.name());
                    waitOn.remove(member);
                }
            }
        }
        return 0;
    }

    private static String state(MemberApi api, MemberInfo member) throws InterruptedException {
        try {
            JsonNode status = Json.parse(api.call(member.apiUrl(), "GET", "patroni", Optional.empty()).body());
            return status.path("state").asText("");
        } catch (IOException e) {
            LOG.debug("{} did not answer: {}", member.name(), e.toString());
            return "creating replica";
        }
    }
}
