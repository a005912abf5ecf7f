package io.jpatroni.plugin.dcs.zookeeper;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.testkit.dcs.DcsContract;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;

/** The DCS contract against a real ZooKeeper 3.9 server (Curator's in-JVM TestingServer). */
class ZooKeeperContractIT extends DcsContract {

    private ZooKeeper raw;

    @Override
    protected Server startServer() throws Exception {
        return ZooKeeperTestServer.start();
    }

    @Override
    protected Dcs open(String hostPort, String scope, String member, DcsTiming timing) throws DcsException {
        DcsSettings settings = new DcsSettings("zookeeper", Map.of("hosts", List.of(hostPort)), "service", scope,
                member, timing);
        return new ZooKeeperDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), member, scope, "test"));
    }

    @Override
    protected Optional<byte[]> readRaw(String hostPort, String key) throws Exception {
        if (raw == null) {
            raw = ZooKeeperTestServer.rawClient(hostPort);
        }
        try {
            byte[] data = raw.getData(key, false, null);
            return Optional.of(data == null ? new byte[0] : data);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    @AfterAll
    void closeRawClient() throws InterruptedException {
        if (raw != null) {
            raw.close();
        }
    }
}
