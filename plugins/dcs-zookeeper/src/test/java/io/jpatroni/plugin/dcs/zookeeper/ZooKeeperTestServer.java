package io.jpatroni.plugin.dcs.zookeeper;

import io.jpatroni.testing.FreePorts;
import io.jpatroni.testkit.dcs.DcsContract;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real ZooKeeper 3.9 server inside the test JVM (Curator's TestingServer) on a free loopback
 * port. Session timeouts from 1 s to 120 s are accepted as asked, so that session timeout = ttl
 * holds for the small ttls of the tests.
 */
final class ZooKeeperTestServer implements DcsContract.Server {

    private final TestingServer server;

    private ZooKeeperTestServer(TestingServer server) {
        this.server = server;
    }

    static ZooKeeperTestServer start() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, FreePorts.next(), FreePorts.next(), FreePorts.next(), true, -1,
                500, 0, Map.of("minSessionTimeout", "1000", "maxSessionTimeout", "120000",
                "admin.enableServer", "false"), "127.0.0.1");
        return new ZooKeeperTestServer(new TestingServer(spec, true));
    }

    @Override
    public String hostPort() {
        return "127.0.0.1:" + server.getPort();
    }

    /** The server stops: its connections are closed and nobody listens on the port any more. */
    @Override
    public void kill() throws Exception {
        server.stop();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }

    /** A plain ZooKeeper client, connected, for reading and tampering behind the plugin's back. */
    static ZooKeeper rawClient(String hostPort) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(hostPort, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("no connection to ZooKeeper at " + hostPort);
        }
        return zk;
    }
}
