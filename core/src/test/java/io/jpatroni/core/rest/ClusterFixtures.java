package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.Cluster;
import io.jpatroni.api.dcs.Leader;
import io.jpatroni.api.dcs.Member;
import io.jpatroni.api.dcs.StoredValue;
import io.jpatroni.core.cluster.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** DCS snapshots for tests, built from the raw values Patroni stores. */
public final class ClusterFixtures {

    private Optional<StoredValue> initialize = Optional.empty();
    private Optional<StoredValue> config = Optional.empty();
    private Optional<Leader> leader = Optional.empty();
    private Optional<StoredValue> status = Optional.empty();
    private final List<Member> members = new ArrayList<>();
    private Optional<StoredValue> failover = Optional.empty();
    private Optional<StoredValue> sync = Optional.empty();
    private Optional<StoredValue> history = Optional.empty();
    private Optional<StoredValue> failsafe = Optional.empty();

    public static ClusterFixtures cluster() {
        return new ClusterFixtures();
    }

    public ClusterFixtures initialize(String sysid) {
        initialize = Optional.of(new StoredValue(sysid, 1));
        return this;
    }

    public ClusterFixtures config(String json) {
        config = Optional.ofNullable(json).map(j -> new StoredValue(j, 2));
        return this;
    }

    public ClusterFixtures leader(String name) {
        leader = Optional.of(new Leader(name, 3, "lease"));
        return this;
    }

    public ClusterFixtures optime(long lsn) {
        status = Optional.of(new StoredValue("{\"optime\":" + lsn + "}", 4));
        return this;
    }

    public ClusterFixtures member(String name, String json) {
        members.add(new Member(name, json, 5 + members.size(), "lease"));
        return this;
    }

    public ClusterFixtures failover(String json) {
        failover = Optional.of(new StoredValue(json, 20));
        return this;
    }

    public ClusterFixtures sync(String json) {
        sync = Optional.of(new StoredValue(json, 21));
        return this;
    }

    public ClusterFixtures history(String json) {
        history = Optional.of(new StoredValue(json, 22));
        return this;
    }

    public ClusterFixtures failsafe(String json) {
        failsafe = Optional.of(new StoredValue(json, 23));
        return this;
    }

    public ClusterView view() {
        return ClusterView.decode(new Cluster(initialize, config, leader, status, members, failover, sync, history,
                failsafe));
    }

    /**
     * The three-member cluster of patronictl.md §2.5: synchronous mode, pg-node1 leading with
     * {@code clonefrom}, pg-node2 a synchronous standby 864 bytes behind, pg-node3 stopped on port
     * 5433 with three tags and no WAL position.
     */
    public static ClusterFixtures batman(boolean publishesReplicationState) {
        return cluster().initialize("7408277255830290455")
                .config("{\"synchronous_mode\":true,\"ttl\":30}")
                .leader("pg-node1")
                .optime(67109728)
                .sync("{\"leader\":\"pg-node1\",\"sync_standby\":\"pg-node2\"}")
                .member("pg-node1", "{\"conn_url\":\"postgres://10.0.0.1:5432/postgres\","
                        + "\"api_url\":\"http://10.0.0.1:8008/patroni\",\"state\":\"running\",\"role\":\"primary\","
                        + "\"version\":\"4.1.4\",\"xlog_location\":67109728,\"timeline\":3,"
                        + "\"tags\":{\"clonefrom\":true}}")
                .member("pg-node2", "{\"conn_url\":\"postgres://10.0.0.2:5432/postgres\","
                        + "\"api_url\":\"http://10.0.0.2:8008/patroni\",\"state\":\"running\",\"role\":\"replica\","
                        + "\"version\":\"4.1.4\",\"xlog_location\":67108864,"
                        + (publishesReplicationState
                        ? "\"replay_lsn\":50331648,\"receive_lsn\":67108864,\"replication_state\":\"streaming\","
                        : "")
                        + "\"timeline\":3}")
                .member("pg-node3", "{\"conn_url\":\"postgres://10.0.0.3:5433/postgres\","
                        + "\"api_url\":\"http://10.0.0.3:8008/patroni\",\"state\":\"stopped\",\"role\":\"replica\","
                        + "\"version\":\"4.1.4\","
                        + "\"tags\":{\"nofailover\":true,\"dc\":\"west\",\"replicatefrom\":\"pg-node2\"}}");
    }
}
