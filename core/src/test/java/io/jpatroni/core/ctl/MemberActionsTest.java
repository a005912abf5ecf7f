package io.jpatroni.core.ctl;

import static io.jpatroni.core.ctl.CtlFakes.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.rest.ClusterFixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** restart, reload, reinit, flush, pause and resume (patronictl.md §2.2, §3.5-§3.8, §3.15). */
class MemberActionsTest {

    static ClusterFixtures plain() {
        return SwitchoverCommandTest.plain();
    }

    private static String table(ClusterView view) {
        return MemberTable.render(view, "batman", false, OutputFormat.PRETTY);
    }

    // ---- restart ------------------------------------------------------------------------------------

    @Test
    void restartEveryoneInteractively() {
        ClusterView view = plain().view();
        CtlFakes.Admin admin = new CtlFakes.Admin(view);
        admin.api.answer("POST restart", ok(200, "restarted successfully"));
        admin.api.answer("10.0.0.3 POST restart", ok(503, "restart conditions are not satisfied"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("\ny\n\n", "restart", "batman");
        assertEquals(0, r.code(), r.err());
        assertEquals(table(view)
                + "When should the restart take place (e.g. 2030-01-01T11:00)  [now]: "
                + "Are you sure you want to restart members pg-node1, pg-node2, pg-node3? [y/N]: "
                + "Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)  []: "
                + "Success: restart on member pg-node1\n"
                + "Success: restart on member pg-node2\n"
                + "Failed: restart for member pg-node3, status code=503, (restart conditions are not satisfied)\n",
                r.out());
        assertEquals("POST 10.0.0.1 /restart {}", admin.api.calls.get(0));
    }

    @Test
    void restartSelectionAndRefusal() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        assertEquals("Error: No 'primary' among provided members\n",
                runner.run("", "restart", "batman", "pg-node2", "-r", "primary", "--force").err());
        assertEquals("Error: Aborted restart\n", runner.run("now\nn\n", "restart", "batman", "pg-node2").err());
        assertEquals("Error: batman cluster doesn't have any members\n", new CtlFakes.Runner(new CtlFakes.Admin(
                ClusterFixtures.cluster().view())).run("", "restart", "batman", "--force").err());
        assertEquals(2, runner.run("", "restart", "batman", "-r", "boss").code(), "bad role is a usage error");
        assertEquals(2, runner.run("", "restart").code(), "cluster name is mandatory");
        assertEquals("Error: Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 9.6\n",
                runner.run("", "restart", "batman", "--pg-version", "9.6", "--force").err());
        assertTrue(admin.api.calls.isEmpty());
    }

    @Test
    void restartReplicasWithFilters() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST restart", ok(200, "restarted successfully"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "restart", "batman", "-r", "replica", "--pg-version",
                "16.5", "--timeout", "30s", "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(
                "POST 10.0.0.2 /restart {\"postgres_version\": \"16.5\", \"timeout\": \"30s\"}",
                "POST 10.0.0.3 /restart {\"postgres_version\": \"16.5\", \"timeout\": \"30s\"}"), admin.api.calls);
    }

    @Test
    void pendingRestartOnlyWherePending() {
        ClusterView view = plain().member("pg-node4", "{\"conn_url\":\"postgres://10.0.0.4:5432/postgres\","
                + "\"api_url\":\"http://10.0.0.4:8008/patroni\",\"state\":\"running\",\"pending_restart\":true}").view();
        CtlFakes.Admin admin = new CtlFakes.Admin(view);
        admin.api.answer("POST restart", ok(200, "restarted successfully"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "restart", "batman", "--pending", "--force");
        assertEquals(List.of("POST 10.0.0.4 /restart {\"restart_pending\": true}"), admin.api.calls, r.err());
        admin.api.calls.clear();
        new CtlFakes.Runner(admin).run("", "restart", "batman", "--any", "--force");
        assertEquals(1, admin.api.calls.size());
    }

    @Test
    void scheduledRestart() {
        ClusterView view = plain().member("pg-node4", "{\"api_url\":\"http://10.0.0.4:8008/patroni\","
                + "\"scheduled_restart\":{\"schedule\":\"2030-01-01T12:00:00+00:00\"}}").view();
        CtlFakes.Admin admin = new CtlFakes.Admin(view);
        admin.api.answer("POST restart", ok(202, "Restart scheduled"));
        admin.api.answer("10.0.0.2 POST restart", ok(409, "Another restart is already scheduled"));
        admin.api.answer("DELETE restart", ok(404, "no restarts are scheduled"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\n\n", "restart", "batman", "pg-node1", "pg-node2",
                "--scheduled", "2030-01-02T10:00+00:00");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Are you sure you want to schedule restart of members pg-node1, pg-node2 at "
                + "2030-01-02T10:00:00+00:00? [y/N]: "), r.out());
        assertTrue(r.out().endsWith("Success: restart scheduled on member pg-node1\n"
                + "Failed: another restart is already scheduled on member pg-node2\n"), r.out());
        assertEquals("POST 10.0.0.1 /restart {\"schedule\": \"2030-01-02T10:00:00+00:00\"}", admin.api.calls.get(0));

        admin.api.calls.clear();
        CtlFakes.Run forced = new CtlFakes.Runner(admin).run("", "restart", "batman", "pg-node4", "--scheduled",
                "2030-01-02T10:00+00:00", "--force");
        assertEquals(List.of("DELETE 10.0.0.4 /restart",
                "POST 10.0.0.4 /restart {\"schedule\": \"2030-01-02T10:00:00+00:00\"}"), admin.api.calls);
        assertTrue(forced.out().contains("Failed: flush scheduled restart for member pg-node4, status code=404, "
                + "(no restarts are scheduled)\n"), forced.out());

        CtlFakes.Run pending = new CtlFakes.Runner(admin).run("n\n", "restart", "batman", "--pending",
                "--scheduled", "2030-01-02T10:00+00:00");
        assertTrue(pending.out().endsWith("The nodes needing a restart will be identified at the scheduled time, and "
                + "might be different from the ones showing pending restart right now. Is this fine? [y/N]: "));
        assertEquals("Error: Aborted scheduled restart\n", pending.err());

        CtlFakes.Runner paused = new CtlFakes.Runner(new CtlFakes.Admin(plain().config("{\"pause\":true}").view()));
        assertEquals("Error: Can't schedule restart in the paused state\n",
                paused.run("", "restart", "batman", "--scheduled", "2030-01-02T10:00+00:00", "--force").err());
    }

    // ---- reload -------------------------------------------------------------------------------------

    @Test
    void reload() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().config("{\"loop_wait\":5}").view());
        admin.api.answer("10.0.0.1 POST reload", ok(202, "reload scheduled"));
        admin.api.answer("10.0.0.2 POST reload", ok(200, ""));
        admin.api.answer("10.0.0.3 POST reload", ok(401, "not authenticated"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("y\n", "reload", "batman");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("Are you sure you want to reload members pg-node1, pg-node2, pg-node3? [y/N]: "
                + "Reload request received for member pg-node1 and will be processed within 5 seconds\n"
                + "No changes to apply on member pg-node2\n"
                + "Failed: reload for member pg-node3, status code=401, (not authenticated)\n"), r.out());
        assertEquals("Error: Aborted reload\n", new CtlFakes.Runner(admin).run("\n", "reload", "batman").err());
        assertEquals("Error: No 'leader' among provided members\n",
                new CtlFakes.Runner(admin).run("", "reload", "batman", "pg-node3", "-r", "leader").err());
    }

    // ---- reinit -------------------------------------------------------------------------------------

    @Test
    void reinitAsksWhichMember() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST reinitialize", ok(200, "reinitialize started"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("pg-node3\ny\n", "reinit", "batman");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("Which member do you want to reinitialize [pg-node2, pg-node3]? []: "
                + "Are you sure you want to reinitialize members pg-node3? [y/N]: "
                + "Success: reinitialize for member pg-node3\n"), r.out());
        assertEquals(List.of("POST 10.0.0.3 /reinitialize {\"force\": false, \"from_leader\": false}"),
                admin.api.calls);
        assertEquals("Error: pg-node1 is not a member of cluster\n",
                new CtlFakes.Runner(admin).run("pg-node1\n", "reinit", "batman").err());
        assertEquals("Error:  is not a member of cluster\n", new CtlFakes.Runner(admin).run("\n", "reinit", "batman").err());
        assertEquals("Error: No replica among provided members\n",
                new CtlFakes.Runner(admin).run("", "reinit", "batman", "pg-node1").err());
    }

    @Test
    void reinitAlreadyInProgressAndWait() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("POST reinitialize", ok(503, "reinitialize already in progress"), ok(200, "reinitialize started"));
        admin.api.answer("GET patroni", ok(200, "{\"state\": \"creating replica\"}"), ok(200, "{\"state\": \"running\"}"));
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        CtlFakes.Run r = runner.run("y\ny\n", "reinit", "batman", "pg-node2", "--wait", "--from-leader");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("Failed: reinitialize for member pg-node2, status code=503, "
                + "(reinitialize already in progress)\n"
                + "Do you want to cancel it and reinitialize anyway? [y/N]: "
                + "Success: reinitialize for member pg-node2\n"
                + "Waiting for reinitialize to complete on: pg-node2\n"
                + "Reinitialize is completed on: pg-node2\n"), r.out());
        assertEquals(List.of(
                "POST 10.0.0.2 /reinitialize {\"force\": false, \"from_leader\": true}",
                "POST 10.0.0.2 /reinitialize {\"force\": true, \"from_leader\": true}",
                "GET 10.0.0.2 /patroni", "GET 10.0.0.2 /patroni"), admin.api.calls);
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), runner.sleeps);
    }

    // ---- flush --------------------------------------------------------------------------------------

    @Test
    void flushSwitchover() {
        ClusterView scheduled = plain().failover(
                "{\"leader\":\"pg-node1\",\"scheduled_at\":\"2030-01-02T10:00:00+00:00\"}").view();
        CtlFakes.Admin admin = new CtlFakes.Admin(scheduled);
        admin.api.answer("10.0.0.1 DELETE switchover", ok(503, "oops"));
        admin.api.answer("10.0.0.2 DELETE switchover", ok(200, "scheduled switchover deleted"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "flush", "batman", "switchover");
        assertEquals("Failed: member=pg-node1, status_code=503, (oops)\nSuccess: scheduled switchover deleted\n",
                r.out());
        assertEquals("No pending scheduled switchover\n",
                new CtlFakes.Runner(new CtlFakes.Admin(plain().view())).run("", "flush", "batman", "switchover").out());
        CtlFakes.Admin nobody = new CtlFakes.Admin(scheduled);
        CtlFakes.Run fallback = new CtlFakes.Runner(nobody).run("", "flush", "batman", "switchover");
        assertEquals("2030-01-01 10:00:00.00000 Could not find any accessible member of cluster batman\n",
                fallback.out());
        assertEquals(List.of("failover batman {} OptionalLong[20]"), nobody.writes);
    }

    @Test
    void flushRestart() {
        ClusterView view = plain().member("pg-node4", "{\"api_url\":\"http://10.0.0.4:8008/patroni\","
                + "\"scheduled_restart\":{\"schedule\":\"2030-01-01T12:00:00+00:00\"}}").view();
        CtlFakes.Admin admin = new CtlFakes.Admin(view);
        admin.api.answer("DELETE restart", ok(200, "scheduled restart deleted"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "flush", "batman", "pg-node1", "pg-node4", "restart",
                "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("No scheduled restart for member pg-node1\n"
                + "Success: flush scheduled restart for member pg-node4\n"), r.out());
    }

    // ---- pause / resume -----------------------------------------------------------------------------

    @Test
    void pauseAndResume() {
        CtlFakes.Admin admin = new CtlFakes.Admin(plain().view());
        admin.api.answer("10.0.0.1 PATCH config", new IOException("Connection refused"));
        admin.api.answer("PATCH config", ok(200, "{}"));
        CtlFakes.Run r = new CtlFakes.Runner(admin).run("", "pause");
        assertEquals(0, r.code(), r.err());
        assertEquals("Success: cluster management is paused\n", r.out());
        assertEquals(List.of("PATCH 10.0.0.1 /config {\"pause\": true}", "PATCH 10.0.0.2 /config {\"pause\": true}"),
                admin.api.calls);
        assertEquals("Error: Cluster is not paused\n", new CtlFakes.Runner(admin).run("", "resume").err());

        CtlFakes.Admin paused = new CtlFakes.Admin(plain().config("{\"pause\":true}").view());
        assertEquals("Error: Cluster is already paused\n", new CtlFakes.Runner(paused).run("", "pause").err());
        paused.api.answer("PATCH config", ok(409, ""));
        CtlFakes.Run failed = new CtlFakes.Runner(paused).run("", "resume", "batman");
        assertEquals(0, failed.code());
        assertEquals("Failed: resume cluster management status code=409, ()\n", failed.out());
        assertEquals("PATCH 10.0.0.1 /config {\"pause\": null}", paused.api.calls.get(0));

        CtlFakes.Admin dead = new CtlFakes.Admin(plain().view());
        assertEquals("Error: Can not find accessible cluster member\n", new CtlFakes.Runner(dead).run("", "pause").err());
    }

    @Test
    void pauseWaitsForEveryMember() {
        ClusterView before = plain().view();
        ClusterView half = plain().member("pg-node1", "{\"api_url\":\"http://10.0.0.1:8008/patroni\",\"pause\":true}")
                .view();
        ClusterView all = ClusterFixtures.cluster().config("{\"pause\":true}").leader("pg-node1")
                .member("pg-node1", "{\"api_url\":\"http://10.0.0.1:8008/patroni\",\"pause\":true}")
                .member("pg-node2", "{\"api_url\":\"http://10.0.0.2:8008/patroni\",\"pause\":true}")
                .member("pg-node3", "{\"api_url\":\"http://10.0.0.3:8008/patroni\",\"pause\":true}").view();
        CtlFakes.Admin admin = new CtlFakes.Admin(before, half, all);
        admin.api.answer("PATCH config", ok(200, "{}"));
        CtlFakes.Runner runner = new CtlFakes.Runner(admin);
        CtlFakes.Run r = runner.run("", "pause", "--wait");
        assertEquals("'pause' request sent, waiting until it is recognized by all nodes\n"
                + "Success: cluster management is paused\n", r.out());
        assertEquals(1, runner.sleeps.size());

        CtlFakes.Admin stuck = new CtlFakes.Admin(before, plain().member("pg-node2",
                "{\"api_url\":\"http://10.0.0.2:8008/patroni\",\"state\":\"running\"}").view());
        stuck.api.answer("PATCH config", ok(200, "{}"));
        CtlFakes.Runner slow = new CtlFakes.Runner(stuck);
        CtlFakes.Run timedOut = slow.run("", "pause", "--wait");
        assertTrue(timedOut.out().endsWith("pg-node2 members didn't recognized pause state after 10 seconds\n"),
                timedOut.out());
        assertEquals(11, slow.sleeps.size());
    }
}
