package io.jpatroni.api.dcs;

import java.util.List;
import java.util.Optional;

/**
 * One consistent read of every key under the cluster's base path, values as stored.
 * Decoding into typed views happens once per loop in the core.
 */
public record Cluster(Optional<StoredValue> initialize,
                      Optional<StoredValue> config,
                      Optional<Leader> leader,
                      Optional<StoredValue> status,
                      List<Member> members,
                      Optional<StoredValue> failover,
                      Optional<StoredValue> sync,
                      Optional<StoredValue> history,
                      Optional<StoredValue> failsafe) {

    public static final Cluster EMPTY = new Cluster(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Cluster {
        members = List.copyOf(members);
    }

    public boolean isUnlocked() {
        return leader.map(l -> l.name().isEmpty()).orElse(true);
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
