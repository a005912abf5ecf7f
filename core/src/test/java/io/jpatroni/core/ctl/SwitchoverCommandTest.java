package io.jpatroni.core.ctl;

import static io.jpatroni.core.ctl.CtlFakes.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.ClusterFixtures;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** switchover and failover (patronictl.md §3.3, §3.4) against a scripted DCS and REST API. */
class SwitchoverCommandTest {

    private static final ClusterView BATMAN = ClusterFixtures.batman(true).view();
    private static final String TABLE = MemberTable.render(BATMAN, "batman", false, OutputFormat.PRETTY);

    /** No synchronous mode, two possible candidates. */
    static ClusterFixtures plain() {
        return ClusterFixtures.cluster().initialize("7408277255830290455").config("{\"loop_wait\":10}")
                .leader("pg-node1")
                .member("pg-node1", member("10.0.0.1"))
                .member("pg-node2", member("10.0.0.2"))
                .member("pg-node3", member("10.0.0.3"));
    }

    static String member(String host) {
        return "{\"conn_url\":\"postgres://" + host + ":5432/postgres\",\"api_url\":\"http://" + host
                + ":8008/patroni\",\"state\":\"running\",\"role\":\"replica\"}";
    }

    @Test
    void interactiveWithAllDefaults() {
        CtlFakes.Admin admin = new CtlFakes.Admin(BATMAN);
        admin.api.answer("POST switchover", ok(200, "Successfully switched over to \"pg-node2\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("\n\n\ny\n", "switchover");
        assertEquals(0, r.code(), r.err());
        assertEquals("Current cluster topology\n" + TABLE
                + "Primary [pg-node1]: "
                + "Candidate ['pg-node2'] []: "
                + "When should the switchover take place (e.g. 2030-01-01T11:00 )  [now]: "
                + "Are you sure you want to switchover cluster batman, demoting current leader pg-node1? [y/N]: "
                + "2030-01-01 10:00:00.00000 Successfully switched over to \"pg-node2\"\n" + TABLE, r.out());
        assertEquals(List.of("POST 10.0.0.1 /switchover {\"candidate\": \"\", \"leader\": \"pg-node1\"}"),
                admin.api.calls);
        assertEquals("", r.err());
    }

    @Test
    void refusalAndEndOfInput() {
        CtlFakes.Admin admin = new CtlFakes.Admin(BATMAN);
        CtlFakes.Run no = new CtlFakes.Runner(admin).run("\npg-node2\n\nn\n", "switchover");
        assertEquals(1, no.code());
        assertEquals("Error: Aborting switchover\n", no.err());
        CtlFakes.Run eof = new CtlFakes.Runner(admin).run("", "switchover");
        assertEquals(1, eof.code());
        assertEquals("Aborted!\n", eof.err());
        assertTrue(admin.api.calls.isEmpty());
    }

    @Test
    void forcedWithCandidate() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST switchover", ok(200, "Successfully switched over to \"pg-node3\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "switchover", "batman", "--candidate", "pg-node3",
                "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("POST 10.0.0.1 /switchover {\"candidate\": \"pg-node3\", \"leader\": \"pg-node1\"}"),
                admin.api.calls);
        assertTrue(r.out().contains("2030-01-01 10:00:00.00000 Successfully switched over to \"pg-node3\"\n"));
        CtlFakes.Run master = new CtlFakes.Runner(admin).run("", "switchover", "--master", "pg-node1", "--force");
        assertEquals(0, master.code(), master.err());
        assertEquals("POST 10.0.0.1 /switchover {\"candidate\": null, \"leader\": \"pg-node1\"}", admin.api.calls.get(1));
    }

    @Test
    void validationErrors() {
        CtlFakes.Runner runner = new CtlFakes.Runner(new CtlFakes.Admin(BATMAN));
        assertEquals("Error: Member pg-node2 is not the leader of cluster batman\n",
                runner.run("", "switchover", "--leader", "pg-node2", "--force").err());
        assertEquals("Error: Member pg-node3 does not exist in cluster batman or is tagged as nofailover\n",
                runner.run("", "switchover", "--candidate", "pg-node3", "--force").err());
        assertEquals("Error: Member pg-node1 is already the leader of cluster batman\n",
                runner.run("", "switchover", "--candidate", "pg-node1", "--force").err());
        assertEquals("Error: Unable to parse scheduled timestamp (soon). It should be in an unambiguous format "
                + "(e.g. ISO 8601)\n", runner.run("", "switchover", "--scheduled", "soon", "--force").err());
        CtlFakes.Runner leaderless = new CtlFakes.Runner(new CtlFakes.Admin(ClusterFixtures.cluster()
                .member("pg-node2", member("10.0.0.2")).view()));
        CtlFakes.Run r = leaderless.run("", "switchover", "--force");
        assertEquals(1, r.code());
        assertEquals("Error: This cluster has no leader\n", r.err());
        assertTrue(r.out().startsWith("Current cluster topology\n"));
        CtlFakes.Runner alone = new CtlFakes.Runner(new CtlFakes.Admin(ClusterFixtures.cluster().leader("pg-node1")
                .member("pg-node1", member("10.0.0.1")).view()));
        assertEquals("Error: No candidates found to switchover to\n", alone.run("", "switchover", "--force").err());
        CtlFakes.Runner paused = new CtlFakes.Runner(new CtlFakes.Admin(plain().config("{\"pause\":true}").view()));
        assertEquals("Error: Can't schedule switchover in the paused state\n",
                paused.run("", "switchover", "--scheduled", "2030-01-02T10:00+00:00", "--force").err());
    }

    @Test
    void scheduledSwitchover() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST switchover", ok(202, "Switchover scheduled"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\n", "switchover", "--leader", "pg-node1", "--candidate",
                "pg-node2", "--scheduled", "2030-01-02 10:00");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Are you sure you want to schedule switchover of cluster batman at "
                + "2030-01-02T10:00:00+00:00, demoting current leader pg-node1? [y/N]: "
                + "2030-01-01 10:00:00.00000 Switchover scheduled\n"), r.out());
        assertEquals(List.of("POST 10.0.0.1 /switchover {\"candidate\": \"pg-node2\", \"leader\": \"pg-node1\", "
                + "\"scheduled_at\": \"2030-01-02T10:00:00+00:00\"}"), admin.api.calls);
        CtlFakes.Run refused = new CtlFakes.Runner(admin).run("n\n", "switchover", "--leader", "pg-node1",
                "--candidate", "pg-node2", "--scheduled", "2030-01-02T10:00:00+02:00");
        assertEquals("Error: Aborting scheduled switchover\n", refused.err());
    }

    @Test
    void failedAnswerIsPrintedWithExitZero() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST switchover", ok(412, "switchover is not possible: no good candidates have been found"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "switchover", "--force");
        assertEquals(0, r.code());
        assertTrue(r.out().endsWith("Switchover failed, details: 412, switchover is not possible: no good candidates "
                + "have been found\n"), r.out());
    }

    @Test
    void unreachableApiFallsBackToDcs() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST switchover", new IOException("Connection refused"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "switchover", "--candidate", "pg-node2", "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2030-01-01 10:00:00.00000 Could not switchover using Patroni api, falling back "
                + "to DCS\n"), r.out());
        assertEquals(List.of("failover batman {\"leader\":\"pg-node1\",\"member\":\"pg-node2\"} OptionalLong.empty"),
                admin.writes);
    }

    @Test
    void oldServersGetFailover() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST switchover", ok(501, "Server does not support this operation"));
        admin.api.answer("POST failover", ok(200, "Successfully failed over to \"pg-node2\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "switchover", "--force");
        assertEquals(0, r.code());
        assertEquals(2, admin.api.calls.size());
        assertTrue(admin.api.calls.get(1).startsWith("POST 10.0.0.1 /failover "));
    }

    @Test
    void failover() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST failover", ok(200, "Successfully failed over to \"pg-node2\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("pg-node2\ny\n", "failover");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Candidate ['pg-node2', 'pg-node3'] []: Are you sure you want to failover cluster "
                + "batman, demoting current leader pg-node1? [y/N]: 2030-01-01 10:00:00.00000 Successfully failed over "
                + "to \"pg-node2\"\n"), r.out());
        assertEquals(List.of("POST 10.0.0.1 /failover {\"candidate\": \"pg-node2\"}"), admin.api.calls);

        assertEquals("Error: Failover could be performed only to a specific candidate\n",
                new CtlFakes.Runner(admin).run("", "failover", "--force").err());
        assertEquals("Error: Failover could be performed only to a specific candidate\n",
                new CtlFakes.Runner(admin).run("\n", "failover").err());
        CtlFakes.Run usage = new CtlFakes.Runner(admin).run("", "failover", "--scheduled", "now");
        assertEquals(2, usage.code());
    }

    @Test
    void failoverToAnAsynchronousNodeAsksTwice() {
        ClusterView sync = ClusterFixtures.batman(true).member("pg-node4", member("10.0.0.4")).view();
        CtlFakes.Admin admin = new CtlFakes.Admin(sync);
        CtlFakes.Run refused = new CtlFakes.Runner(admin).run("n\n", "failover", "--candidate", "pg-node4");
        assertEquals("Error: Aborting failover\n", refused.err());
        assertTrue(refused.out().endsWith("Are you sure you want to failover to the asynchronous node pg-node4? [y/N]: "));
        admin.api.answer("POST failover", ok(200, "Successfully failed over to \"pg-node4\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\ny\n", "failover", "--candidate", "pg-node4");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void leaderlessFailoverGoesToTheCandidate() {
        CtlFakes.Admin admin = new CtlFakes.Admin(ClusterFixtures.cluster().member("pg-node2", member("10.0.0.2"))
                .member("pg-node3", member("10.0.0.3")).view());
        admin.api.answer("POST failover", ok(200, "Successfully failed over to \"pg-node3\""));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\n", "failover", "--candidate", "pg-node3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Are you sure you want to failover cluster batman? [y/N]: "), r.out());
        assertEquals(List.of("POST 10.0.0.3 /failover {\"candidate\": \"pg-node3\"}"), admin.api.calls);
    }
}
