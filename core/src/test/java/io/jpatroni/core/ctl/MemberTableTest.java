package io.jpatroni.core.ctl;

import static io.jpatroni.core.rest.ClusterFixtures.cluster;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.ClusterFixtures;
import org.junit.jupiter.api.Test;

/**
 * The layouts of patronictl.md §2.5 ("Lag in MB" generation, title with the system identifier).
 * Expected texts follow the spec's samples; the frame, padding, rule and YAML/JSON details were
 * also checked against the installed patronictl 3.0.2 fed the same member keys.
 */
class MemberTableTest {

    private static final ClusterView BATMAN = ClusterFixtures.batman(false).view();

    @Test
    void threeMembersWithStoppedTaggedMemberPretty() {
        assertEquals("""
                + Cluster: batman (7408277255830290455) --+---------+----+-----------+-------------------------+
                | Member   | Host          | Role         | State   | TL | Lag in MB | Tags                    |
                +----------+---------------+--------------+---------+----+-----------+-------------------------+
                | pg-node1 | 10.0.0.1:5432 | Leader       | running |  3 |           | clonefrom: true         |
                +----------+---------------+--------------+---------+----+-----------+-------------------------+
                | pg-node2 | 10.0.0.2:5432 | Sync Standby | running |  3 |         0 |                         |
                +----------+---------------+--------------+---------+----+-----------+-------------------------+
                | pg-node3 | 10.0.0.3:5433 | Replica      | stopped |    |   unknown | dc: west                |
                |          |               |              |         |    |           | nofailover: true        |
                |          |               |              |         |    |           | replicatefrom: pg-node2 |
                +----------+---------------+--------------+---------+----+-----------+-------------------------+
                """, MemberTable.render(BATMAN, "batman", false, OutputFormat.PRETTY));
    }

    @Test
    void replicasShowTheirReplicationState() {
        assertEquals("""
                + Cluster: batman (7408277255830290455) --+-----------+----+-----------+-------------------------+
                | Member   | Host          | Role         | State     | TL | Lag in MB | Tags                    |
                +----------+---------------+--------------+-----------+----+-----------+-------------------------+
                | pg-node1 | 10.0.0.1:5432 | Leader       | running   |  3 |           | clonefrom: true         |
                +----------+---------------+--------------+-----------+----+-----------+-------------------------+
                | pg-node2 | 10.0.0.2:5432 | Sync Standby | streaming |  3 |         0 |                         |
                +----------+---------------+--------------+-----------+----+-----------+-------------------------+
                | pg-node3 | 10.0.0.3:5433 | Replica      | stopped   |    |   unknown | dc: west                |
                |          |               |              |           |    |           | nofailover: true        |
                |          |               |              |           |    |           | replicatefrom: pg-node2 |
                +----------+---------------+--------------+-----------+----+-----------+-------------------------+
                """, MemberTable.render(ClusterFixtures.batman(true).view(), "batman", false, OutputFormat.PRETTY));
    }

    @Test
    void threeMembersTsv() {
        assertEquals("Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\tTags\n"
                        + "batman\tpg-node1\t10.0.0.1:5432\tLeader\trunning\t3\t\t{clonefrom: true}\n"
                        + "batman\tpg-node2\t10.0.0.2:5432\tSync Standby\trunning\t3\t0\t\n"
                        + "batman\tpg-node3\t10.0.0.3:5433\tReplica\tstopped\t\tunknown"
                        + "\t{dc: west, nofailover: true, replicatefrom: pg-node2}\n",
                MemberTable.render(BATMAN, "batman", false, OutputFormat.TSV));
    }

    @Test
    void threeMembersJson() {
        assertEquals("[{\"Cluster\": \"batman\", \"Member\": \"pg-node1\", \"Host\": \"10.0.0.1:5432\", "
                        + "\"Role\": \"Leader\", \"State\": \"running\", \"TL\": 3, \"Tags\": {\"clonefrom\": true}}, "
                        + "{\"Cluster\": \"batman\", \"Member\": \"pg-node2\", \"Host\": \"10.0.0.2:5432\", "
                        + "\"Role\": \"Sync Standby\", \"State\": \"running\", \"TL\": 3, \"Lag in MB\": 0}, "
                        + "{\"Cluster\": \"batman\", \"Member\": \"pg-node3\", \"Host\": \"10.0.0.3:5433\", "
                        + "\"Role\": \"Replica\", \"State\": \"stopped\", \"Lag in MB\": \"unknown\", "
                        + "\"Tags\": {\"nofailover\": true, \"dc\": \"west\", \"replicatefrom\": \"pg-node2\"}}]\n",
                MemberTable.render(BATMAN, "batman", false, OutputFormat.JSON));
    }

    @Test
    void threeMembersYaml() {
        assertEquals("""
                - Cluster: batman
                  Host: 10.0.0.1:5432
                  Member: pg-node1
                  Role: Leader
                  State: running
                  TL: 3
                  Tags:
                    clonefrom: true
                - Cluster: batman
                  Host: 10.0.0.2:5432
                  Lag in MB: 0
                  Member: pg-node2
                  Role: Sync Standby
                  State: running
                  TL: 3
                - Cluster: batman
                  Host: 10.0.0.3:5433
                  Lag in MB: unknown
                  Member: pg-node3
                  Role: Replica
                  State: stopped
                  Tags:
                    dc: west
                    nofailover: true
                    replicatefrom: pg-node2

                """, MemberTable.render(BATMAN, "batman", false, OutputFormat.YAML));
    }

    /** Default ports, distinct hosts: no port shown; restart columns appear because one member has them. */
    private static ClusterView demo() {
        return cluster().initialize("")
                .leader("node1")
                .optime(100 + 5 * 1048576 + 524288)
                .member("node1", "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\","
                        + "\"api_url\":\"http://127.0.0.1:8008/patroni\",\"state\":\"running\",\"role\":\"primary\","
                        + "\"timeline\":2}")
                .member("node2", "{\"conn_url\":\"postgres://127.0.0.2:5432/postgres\","
                        + "\"api_url\":\"http://127.0.0.2:8008/patroni\",\"state\":\"running\",\"role\":\"replica\","
                        + "\"timeline\":2,\"xlog_location\":100,\"pending_restart\":true,"
                        + "\"scheduled_restart\":{\"schedule\":\"2030-01-01T10:00:00+00:00\",\"postgres_version\":\"16.5\"}}")
                .member("node3", "{\"conn_url\":\"postgres://127.0.0.3:5432/postgres\","
                        + "\"api_url\":\"http://127.0.0.3:8008/patroni\",\"state\":\"running\",\"role\":\"replica\","
                        + "\"timeline\":2,\"xlog_location\":" + (100 - 3 * 1048576 - 524288) + "}")
                .view();
    }

    @Test
    void initializingClusterWithPendingAndScheduledRestart() {
        assertEquals("""
                + Cluster: demo (initializing) +---------+----+-----------+-----------------+---------------------------------------------+
                | Member | Host      | Role    | State   | TL | Lag in MB | Pending restart | Scheduled restart                           |
                +--------+-----------+---------+---------+----+-----------+-----------------+---------------------------------------------+
                | node1  | 127.0.0.1 | Leader  | running |  2 |           |                 |                                             |
                | node2  | 127.0.0.2 | Replica | running |  2 |         6 | *               | 2030-01-01T10:00:00+00:00 if version < 16.5 |
                | node3  | 127.0.0.3 | Replica | running |  2 |         9 |                 |                                             |
                +--------+-----------+---------+---------+----+-----------+-----------------+---------------------------------------------+
                """, MemberTable.render(demo(), "demo", false, OutputFormat.PRETTY));
    }

    @Test
    void pendingRestartInYamlIsQuotedAndJsonDropsEmptyCells() {
        assertEquals("""
                - Cluster: demo
                  Host: 127.0.0.1
                  Member: node1
                  Role: Leader
                  State: running
                  TL: 2
                - Cluster: demo
                  Host: 127.0.0.2
                  Lag in MB: 6
                  Member: node2
                  Pending restart: '*'
                  Role: Replica
                  Scheduled restart: 2030-01-01T10:00:00+00:00 if version < 16.5
                  State: running
                  TL: 2
                - Cluster: demo
                  Host: 127.0.0.3
                  Lag in MB: 9
                  Member: node3
                  Role: Replica
                  State: running
                  TL: 2

                """, MemberTable.render(demo(), "demo", false, OutputFormat.YAML));
        assertEquals("[{\"Cluster\": \"demo\", \"Member\": \"node1\", \"Host\": \"127.0.0.1\", \"Role\": \"Leader\", "
                + "\"State\": \"running\", \"TL\": 2}, {\"Cluster\": \"demo\", \"Member\": \"node2\", "
                + "\"Host\": \"127.0.0.2\", \"Role\": \"Replica\", \"State\": \"running\", \"TL\": 2, \"Lag in MB\": 6, "
                + "\"Pending restart\": \"*\", \"Scheduled restart\": \"2030-01-01T10:00:00+00:00 if version < 16.5\"}, "
                + "{\"Cluster\": \"demo\", \"Member\": \"node3\", \"Host\": \"127.0.0.3\", \"Role\": \"Replica\", "
                + "\"State\": \"running\", \"TL\": 2, \"Lag in MB\": 9}]\n",
                MemberTable.render(demo(), "demo", false, OutputFormat.JSON));
    }

    /** Same host twice and a non-default port: host:port everywhere; 2.5 MB rounds to even (2). */
    private static ClusterView ports() {
        return cluster()
                .leader("a")
                .optime(2 * 1048576 + 524288 + 1)
                .member("a", "{\"conn_url\":\"postgres://10.0.0.1:5432/postgres\","
                        + "\"api_url\":\"http://10.0.0.1:8008/patroni\",\"state\":\"running\",\"role\":\"primary\","
                        + "\"timeline\":12}")
                .member("b", "{\"conn_url\":\"postgres://10.0.0.1:5433/postgres\","
                        + "\"api_url\":\"http://10.0.0.1:8009/patroni\",\"state\":\"running\",\"role\":\"replica\","
                        + "\"timeline\":12,\"xlog_location\":1}")
                .view();
    }

    @Test
    void nonDefaultPortsUninitialized() {
        assertEquals("""
                + Cluster: x (uninitialized) ------+---------+----+-----------+
                | Member | Host          | Role    | State   | TL | Lag in MB |
                +--------+---------------+---------+---------+----+-----------+
                | a      | 10.0.0.1:5432 | Leader  | running | 12 |           |
                | b      | 10.0.0.1:5433 | Replica | running | 12 |         2 |
                +--------+---------------+---------+---------+----+-----------+
                """, MemberTable.render(ports(), "x", false, OutputFormat.PRETTY));
    }

    @Test
    void extendedShowsEveryOptionalColumn() {
        assertEquals("""
                + Cluster: x (uninitialized) ------+---------+----+-----------+-----------------+-------------------+------+
                | Member | Host          | Role    | State   | TL | Lag in MB | Pending restart | Scheduled restart | Tags |
                +--------+---------------+---------+---------+----+-----------+-----------------+-------------------+------+
                | a      | 10.0.0.1:5432 | Leader  | running | 12 |           |                 |                   |      |
                | b      | 10.0.0.1:5433 | Replica | running | 12 |         2 |                 |                   |      |
                +--------+---------------+---------+---------+----+-----------+-----------------+-------------------+------+
                """, MemberTable.render(ports(), "x", true, OutputFormat.PRETTY));
    }

    @Test
    void pausedClusterWithScheduledSwitchoverHasATrailer() {
        ClusterView view = cluster().initialize("7408277255830290455")
                .config("{\"pause\":true}")
                .leader("pg-node1")
                .optime(67108864)
                .failover("{\"leader\":\"pg-node1\",\"member\":\"pg-node2\",\"scheduled_at\":\"2030-01-01T12:00:00+00:00\"}")
                .member("pg-node1", "{\"conn_url\":\"postgres://10.0.0.1:5432/postgres\","
                        + "\"api_url\":\"http://10.0.0.1:8008/patroni\",\"state\":\"running\",\"role\":\"primary\","
                        + "\"timeline\":3}")
                .member("pg-node2", "{\"conn_url\":\"postgres://10.0.0.2:5432/postgres\","
                        + "\"api_url\":\"http://10.0.0.2:8008/patroni\",\"state\":\"running\",\"role\":\"replica\","
                        + "\"timeline\":3,\"xlog_location\":50331648,\"replication_state\":\"streaming\"}")
                .view();
        assertEquals("""
                + Cluster: batman (7408277255830290455) ----+----+-----------+
                | Member   | Host     | Role    | State     | TL | Lag in MB |
                +----------+----------+---------+-----------+----+-----------+
                | pg-node1 | 10.0.0.1 | Leader  | running   |  3 |           |
                | pg-node2 | 10.0.0.2 | Replica | streaming |  3 |        16 |
                +----------+----------+---------+-----------+----+-----------+
                 Maintenance mode: on
                 Switchover scheduled at: 2030-01-01T12:00:00+00:00
                                    from: pg-node1
                                      to: pg-node2
                """, MemberTable.render(view, "batman", false, OutputFormat.PRETTY));
    }

    @Test
    void lagRoundsHalfToEven() {
        assertEquals(2L, MemberTable.lagInMb(2L * 1048576 + 524288));
        assertEquals(4L, MemberTable.lagInMb(3L * 1048576 + 524288));
        assertEquals(0L, MemberTable.lagInMb(864L));
        assertEquals("unknown", MemberTable.lagInMb("unknown"));
        assertEquals("", MemberTable.lagInMb(""));
    }
}
