package io.jpatroni.core.rest;

import io.jpatroni.core.cluster.ClusterView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** A settable {@link RestContext} with ready-made node situations. */
final class FakeContext implements RestContext {

    volatile NodeStatus status;
    volatile boolean leaderLock;
    volatile boolean clusterKnown = true;
    volatile boolean standbyCluster;
    volatile long leaderOptime;
    volatile long maximumLagOnFailover = 1048576;
    volatile boolean loopAlive = true;
    volatile boolean failsafeActive;
    volatile Optional<ClusterView> cluster = Optional.empty();

    FakeContext(NodeStatus status) {
        this.status = status;
    }

    static NodeStatus primaryStatus(String name) {
        return new NodeStatus("running", "primary", Optional.of("2025-01-10 08:01:02.123456+00:00"),
                OptionalInt.of(150004), Optional.of(NodeStatus.Xlog.primary(83886424)), OptionalLong.of(3),
                Optional.empty(),
                List.of(new NodeStatus.Replication("replicator", "node2", Optional.of("10.0.0.2"), "streaming",
                        "async", 0)),
                false, false, false, 1736496123L, Map.of(), Optional.of("7408277255830290455"), false, false,
                "4.1.4", "batman", name);
    }

    static NodeStatus replicaStatus(String name, long replayed, Map<String, Object> tags) {
        return new NodeStatus("running", "replica", Optional.of("2025-01-10 08:01:05.5+00:00"), OptionalInt.of(150004),
                Optional.of(NodeStatus.Xlog.replica(replayed, replayed, Optional.of("2025-01-10 08:05:00.25+00:00"),
                        false)),
                OptionalLong.of(3), Optional.of("streaming"), List.of(), false, false, false, 1736496123L, tags,
                Optional.of("7408277255830290455"), false, false, "4.1.4", "batman", name);
    }

    static NodeStatus stoppedStatus(String name) {
        return new NodeStatus("stopped", "replica", Optional.empty(), OptionalInt.empty(), Optional.empty(),
                OptionalLong.empty(), Optional.empty(), List.of(), false, false, true, 1736496123L, Map.of(),
                Optional.empty(), false, false, "4.1.4", "batman", name);
    }

    static FakeContext primary(String name) {
        FakeContext c = new FakeContext(primaryStatus(name));
        c.leaderLock = true;
        c.leaderOptime = 83886424;
        return c;
    }

    static FakeContext replica(String name) {
        FakeContext c = new FakeContext(replicaStatus(name, 83886424, Map.of()));
        c.leaderOptime = 83886424;
        return c;
    }

    static FakeContext replica(String name, Map<String, Object> tags) {
        FakeContext c = new FakeContext(replicaStatus(name, 83886424, tags));
        c.leaderOptime = 83886424;
        return c;
    }

    @Override
    public NodeStatus status() {
        return status;
    }

    @Override
    public boolean holdsLeaderLock() {
        return leaderLock;
    }

    @Override
    public boolean clusterKnown() {
        return clusterKnown;
    }

    @Override
    public boolean standbyCluster() {
        return standbyCluster;
    }

    @Override
    public long leaderOptime() {
        return leaderOptime;
    }

    @Override
    public long maximumLagOnFailover() {
        return maximumLagOnFailover;
    }

    @Override
    public boolean loopAlive() {
        return loopAlive;
    }

    @Override
    public Optional<ClusterView> cluster() {
        return cluster;
    }

    @Override
    public String scope() {
        return "batman";
    }

    @Override
    public boolean failsafeModeIsActive() {
        return failsafeActive;
    }
}
