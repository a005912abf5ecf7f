package io.jpatroni.core.ha;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.ha.LocalNode.BootstrapPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds DCS snapshots and local states for decision tests, in the exact formats Patroni stores. */
final class Snapshot {

    static final String SYSID = "7368210843297823012";
    static final java.time.Instant NOW = java.time.Instant.parse("2026-11-22T12:00:00Z");

    private final List<KeyLayout.Node> nodes = new ArrayList<>();

    static Snapshot cluster() {
        return new Snapshot().with("initialize", SYSID);
    }

    static Snapshot uninitialized() {
        return new Snapshot();
    }

    Snapshot with(String key, String value) {
        nodes.add(new KeyLayout.Node(key, value, nodes.size() + 1, null));
        return this;
    }

    Snapshot leader(String name) {
        return with("leader", name);
    }

    Snapshot member(String name, String role, long xlog) {
        return with("members/" + name, "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\",\"api_url\":\"http://127.0.0.1:8008/patroni\","
                + "\"state\":\"running\",\"role\":\"" + role + "\",\"version\":\"4.1.4\",\"xlog_location\":" + xlog
                + ",\"timeline\":1}");
    }

    Snapshot optime(long lsn) {
        return with("status", "{\"optime\":" + lsn + "}");
    }

    ClusterView view() {
        Cluster raw = KeyLayout.assemble(nodes);
        return ClusterView.decode(raw);
    }

    /** A running streaming replica at the given WAL position. */
    static LocalNode replica(String name, long wal) {
        return new LocalNode(name, false, 1, false, Optional.of(SYSID), true, "running", "replica", false, wal, 1,
                true, Optional.empty(), BootstrapPhase.NONE, false);
    }

    static LocalNode primary(String name, long wal) {
        return new LocalNode(name, false, 1, false, Optional.of(SYSID), true, "running", "primary", true, wal, 1,
                true, Optional.empty(), BootstrapPhase.NONE, false);
    }

    static LocalNode emptyNode(String name) {
        return new LocalNode(name, false, 1, true, Optional.empty(), false, "stopped", "uninitialized", false, 0, 0,
                true, Optional.empty(), BootstrapPhase.NONE, true);
    }

    static HaInput input(ClusterView cluster, LocalNode local, PeerStatus... peers) {
        return new HaInput(cluster, local, HaSettings.DEFAULTS, List.of(peers), Optional.empty(), NOW);
    }

    static PeerStatus replicaPeer(String name, long wal) {
        return new PeerStatus(name, true, true, wal, 1, java.util.OptionalLong.of(1));
    }
}
