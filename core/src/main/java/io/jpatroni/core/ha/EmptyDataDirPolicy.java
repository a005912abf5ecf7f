package io.jpatroni.core.ha;

import io.jpatroni.core.cluster.MemberInfo;
import java.util.Comparator;
import java.util.Optional;

/** No data directory yet: race to bootstrap, clone from a member, or wait (ha-loop.md §2 step 10, §3.1, §4.1). */
final class EmptyDataDirPolicy {

    private EmptyDataDirPolicy() {
    }

    static Decision decide(HaInput in) {
        LocalNode local = in.local();
        if (in.hasLock()) {
            return Decision.of("released leader key voluntarily as data dir empty and currently leader",
                    new HaAction.ReleaseLock());
        }
        if (in.settings().pause()) {
            return Decision.nothing("PAUSE: running with empty data directory");
        }
        if (in.cluster().isUnlocked() && in.cluster().initialize().isEmpty() && !local.nofailover()
                && local.hasBootstrapConfig()) {
            return Decision.of("trying to bootstrap a new cluster", new HaAction.TryInitialize(
                    Decision.of("trying to bootstrap a new cluster", new HaAction.Bootstrap()),
                    Decision.nothing("failed to acquire initialize lock")));
        }
        if (!in.cluster().isUnlocked()) {
            Optional<MemberInfo> source = cloneSource(in);
            if (source.isPresent()) {
                String name = source.get().name();
                boolean fromLeader = in.cluster().leaderName().map(name::equals).orElse(false);
                return Decision.of("trying to bootstrap from " + (fromLeader ? "leader" : "replica") + " '" + name
                        + "'", new HaAction.CloneFrom(name));
            }
        }
        // "" in initialize means someone is bootstrapping a new cluster right now: do not restore an old one beside it
        boolean nobodyBootstrapping = in.cluster().initialize().map(v -> !v.isEmpty()).orElse(true);
        if (in.settings().cloneWithoutLeader() && nobodyBootstrapping) {
            return Decision.of("trying to bootstrap (without leader)", new HaAction.CloneWithoutLeader());
        }
        return Decision.nothing("waiting for leader to bootstrap");
    }

    /**
     * A running member tagged clonefrom (not me, not the leader) or else the leader. Patroni picks
     * among clonefrom members at random; we take the first by name so the decision stays pure.
     */
    static Optional<MemberInfo> cloneSource(HaInput in) {
        String me = in.local().name();
        Optional<String> leader = in.cluster().leaderName();
        Optional<MemberInfo> tagged = in.cluster().members().stream()
                .filter(MemberInfo::clonefrom)
                .filter(m -> "running".equals(m.state()) && !m.connUrl().isEmpty())
                .filter(m -> !m.name().equals(me) && !leader.map(m.name()::equals).orElse(false))
                .min(Comparator.comparing(MemberInfo::name));
        if (tagged.isPresent()) {
            return tagged;
        }
        return in.cluster().leaderMember().filter(m -> !m.name().equals(me) && !m.connUrl().isEmpty());
    }
}
