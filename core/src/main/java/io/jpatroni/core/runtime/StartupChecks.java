package io.jpatroni.core.runtime;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.ConfigException;
import io.jpatroni.core.config.DynamicConfig;
import io.jpatroni.core.config.PatroniConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

/** Checks made once before the loop starts (ha-loop.md §1 step 1). */
final class StartupChecks {

    private StartupChecks() {
    }

    /** Timing before the DCS config is known: bootstrap.dcs, else Patroni's defaults. */
    static DcsTiming initialTiming(PatroniConfig config) {
        try {
            DynamicConfig d = DynamicConfig.fromMap(config.bootstrap().map(b -> b.dcs()).orElse(Map.of()),
                    new ArrayList<>());
            return new DcsTiming(d.ttl(), d.loopWait(), d.retryTimeout());
        } catch (ConfigException e) {
            return DcsTiming.DEFAULT;
        }
    }

    /** Two daemons with one name would fight over one member key: refuse if the other one answers. */
    static void refuseDuplicateName(PatroniConfig config, Dcs dcs) throws Main.Daemon.StartupException {
        ClusterView cluster;
        try {
            cluster = ClusterView.decode(dcs.getCluster());
        } catch (DcsException e) {
            return;
        }
        var existing = cluster.member(config.name()).map(MemberInfo::apiUrl).filter(u -> !u.isEmpty());
        if (existing.isEmpty()) {
            return;
        }
        String liveness = existing.get().replaceFirst("/patroni$", "") + "/liveness";
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(liveness))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                throw new Main.Daemon.StartupException("Can't start; there is already a node named '" + config.name()
                        + "' running (its REST API answers at " + liveness + ")");
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            // Nobody answers: the key is a leftover of this node's previous life.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
