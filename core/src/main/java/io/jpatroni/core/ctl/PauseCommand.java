package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pause [CLUSTER_NAME] [--wait]} and {@code resume [CLUSTER_NAME] [--wait]} (patronictl.md
 * §3.8): {@code PATCH /config} with {@code {"pause": true}} / {@code {"pause": null}} on the first
 * member that answers, leader first.
 */
@Command(description = "Disable/enable auto failover", sortOptions = false)
final class PauseCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(PauseCommand.class);

    @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
    String clusterName;

    @Option(names = "--group", paramLabel = "N", description = "Citus group (ignored: Citus is not supported)")
    Integer group;

    @Option(names = "--wait", description = "Wait until the change is recognized by all members")
    boolean await;

    private final JpatronictlCommand root;
    private final boolean pause;

    PauseCommand(JpatronictlCommand root, boolean pause) {
        this.root = root;
        this.pause = pause;
    }

    @Override
    public Integer call() throws Exception {
        String name = root.clusterName(clusterName);
        ClusterView view = root.read(name);
        if (Members.paused(view) == pause) {
            throw new CtlException(pause ? "Cluster is already paused" : "Cluster is not paused");
        }
        List<MemberInfo> targets = new ArrayList<>();
        view.leaderMember().filter(m -> !m.apiUrl().isEmpty()).ifPresent(targets::add);
        view.members().stream().filter(m -> !m.apiUrl().isEmpty() && !Members.isLeader(view, m))
                .forEach(targets::add);
        MemberApi api = root.members();
        MemberApi.Response response = null;
        for (MemberInfo member : targets) {
            try {
                response = api.call(member.apiUrl(), "PATCH", "config",
                        Optional.of(pause ? "{\"pause\": true}" : "{\"pause\": null}"));
                break;
            } catch (IOException e) {
                LOG.warn("Member {} is not accessible: {}", member.name(), e.toString());
            }
        }
        if (response == null) {
            throw new CtlException("Can not find accessible cluster member");
        }
        String word = pause ? "pause" : "resume";
        if (response.status() != 200) {
            root.out.println("Failed: " + word + " cluster management status code=" + response.status() + ", ("
                    + response.body() + ")");
            return 0;
        }
        if (await) {
            return waitUntilApplied(name, view);
        }
        root.out.println("Success: cluster management is " + (pause ? "paused" : "resumed"));
        return 0;
    }

    /** Polls the member keys for up to loop_wait + 1 seconds until all show the new pause state. */
    private int waitUntilApplied(String name, ClusterView before) throws Exception {
        root.out.println("'" + (pause ? "pause" : "resume") + "' request sent, waiting until it is recognized by all nodes");
        root.out.flush();
        Map<String, Long> old = before.members().stream().filter(m -> !m.apiUrl().isEmpty())
                .collect(Collectors.toMap(MemberInfo::name, MemberInfo::keyVersion, (a, b) -> a));
        int loopWait = Members.loopWait(before);
        ClusterView view = before;
        for (int i = 0; i < loopWait + 1; i++) {
            view = root.read(name);
            if (view.members().stream().filter(m -> old.containsKey(m.name())).allMatch(this::recognised)) {
                root.out.println("Success: cluster management is " + (pause ? "paused" : "resumed"));
                return 0;
            }
            root.sleeper.sleep(Duration.ofSeconds(1));
        }
        List<String> remaining = view.members().stream()
                .filter(m -> old.containsKey(m.name()) && !recognised(m) && old.get(m.name()) != m.keyVersion())
                .map(MemberInfo::name).toList();
        if (!remaining.isEmpty()) {
            root.out.println(String.join(", ", remaining) + " members didn't recognized pause state after "
                    + loopWait + " seconds");
            return 0;
        }
        root.out.println("Success: cluster management is " + (pause ? "paused" : "resumed"));
        return 0;
    }

    private boolean recognised(MemberInfo member) {
        return MemberInfo.truthy(member.data().get("pause")) == pause;
    }
}
