package io.jpatroni.core.rest;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.PeerStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted {@link NodeOperations}: the n-th cluster read returns the n-th view of the script
 * (the last one repeats), writes are recorded, answers are settable.
 */
final class FakeOperations implements NodeOperations {

    record Write(String json, OptionalLong version) {
    }

    volatile List<ClusterView> script;
    final AtomicInteger reads = new AtomicInteger();
    final List<Write> configWrites = Collections.synchronizedList(new ArrayList<>());
    final List<Write> failoverWrites = Collections.synchronizedList(new ArrayList<>());
    volatile boolean writeConfigOk = true;
    volatile boolean writeFailoverOk = true;
    final AtomicInteger wakeups = new AtomicInteger();
    volatile int loopWait = 10;
    final Set<String> unusable = Collections.synchronizedSet(new HashSet<>());
    final List<List<String>> peerQueries = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger reloads = new AtomicInteger();
    volatile Outcome restartOutcome = new Outcome(true, "restarted successfully");
    volatile RuntimeException restartThrows;
    final List<RestartRequest> restarts = Collections.synchronizedList(new ArrayList<>());
    volatile boolean scheduleOk = true;
    volatile OffsetDateTime scheduledAt;
    volatile RestartRequest scheduledFilters;
    volatile boolean cancelOk = true;
    volatile Optional<Map<String, Object>> scheduledRestart = Optional.empty();
    volatile Outcome reinitOutcome = new Outcome(true, "");
    volatile String reinitArgs;
    volatile boolean paused;

    FakeOperations(ClusterView... script) {
        this.script = List.of(script);
    }

    @Override
    public ClusterView readCluster() throws DcsException {
        int n = reads.getAndIncrement();
        List<ClusterView> views = script;
        if (views.isEmpty()) {
            throw new DcsException("DCS is not reachable");
        }
        return views.get(Math.min(n, views.size() - 1));
    }

    @Override
    public boolean writeConfig(String json, OptionalLong version) {
        configWrites.add(new Write(json, version));
        return writeConfigOk;
    }

    @Override
    public boolean writeFailover(String json, OptionalLong version) {
        failoverWrites.add(new Write(json, version));
        return writeFailoverOk;
    }

    @Override
    public void wakeLoop() {
        wakeups.incrementAndGet();
    }

    @Override
    public int loopWait() {
        return loopWait;
    }

    @Override
    public List<PeerStatus> peerStatuses(List<MemberInfo> members) {
        peerQueries.add(members.stream().map(MemberInfo::name).toList());
        return members.stream().map(m -> unusable.contains(m.name()) ? PeerStatus.unreachable(m.name())
                : new PeerStatus(m.name(), true, true, 0, 0, OptionalLong.of(3))).toList();
    }

    @Override
    public void requestReload() {
        reloads.incrementAndGet();
    }

    @Override
    public Outcome restart(RestartRequest request) {
        restarts.add(request);
        if (restartThrows != null) {
            throw restartThrows;
        }
        return restartOutcome;
    }

    @Override
    public boolean scheduleRestart(OffsetDateTime at, RestartRequest request) {
        scheduledAt = at;
        scheduledFilters = request;
        return scheduleOk;
    }

    @Override
    public boolean cancelScheduledRestart() {
        return cancelOk;
    }

    @Override
    public Optional<Map<String, Object>> scheduledRestart() {
        return scheduledRestart;
    }

    @Override
    public Outcome reinitialize(boolean force, boolean fromLeader) {
        reinitArgs = "force=" + force + " from_leader=" + fromLeader;
        return reinitOutcome;
    }

    @Override
    public boolean paused() {
        return paused;
    }
}
