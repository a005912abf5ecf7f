package io.jpatroni.core.sim;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.Decision;
import io.jpatroni.core.ha.HaDecider;
import io.jpatroni.core.ha.HaInput;
import io.jpatroni.core.ha.HaSettings;
import io.jpatroni.core.ha.LocalNode;
import java.util.List;

/** The decision function each simulated node calls: the real {@link HaDecider}, or it with a planted bug. */
interface Deciders {

    Decision decide(HaInput in);

    Decision onDcsFailure(LocalNode local, HaSettings settings);

    static Deciders of(SimConfig.Bug bug) {
        return new Deciders() {
            @Override
            public Decision decide(HaInput in) {
                return switch (bug) {
                    case SKIP_PEER_CHECK -> HaDecider.decide(new HaInput(in.cluster(), in.local(), in.settings(),
                            List.of(), in.formerLeader(), in.now()));
                    case SKIP_LAG_CHECK -> HaDecider.decide(new HaInput(withoutOptime(in.cluster()), in.local(),
                            in.settings(), in.peers(), in.formerLeader(), in.now()));
                    default -> HaDecider.decide(in);
                };
            }

            @Override
            public Decision onDcsFailure(LocalNode local, HaSettings settings) {
                if (bug == SimConfig.Bug.NO_DEMOTE_ON_DCS_FAILURE) {
                    return Decision.nothing("DCS is not accessible");
                }
                return HaDecider.onDcsFailure(local, settings);
            }
        };
    }

    private static ClusterView withoutOptime(ClusterView c) {
        return new ClusterView(c.raw(), c.initialize(), c.leader(), c.members(), c.config(), c.configModifyVersion(),
                0, c.statusSlots(), c.sync(), c.failover(), c.history());
    }
}
