package io.jpatroni.plugin.dcs.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.testing.EtcdServer;
import io.jpatroni.testkit.dcs.DcsContract;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

/** The DCS contract against a real etcd 3.4 server (Debian's /usr/bin/etcd), through the etcd3: section. */
class EtcdContractIT extends DcsContract {

    private Client raw;

    @Override
    protected Server startServer() throws Exception {
        Assumptions.assumeTrue(EtcdServer.available(), "no etcd binary at " + EtcdServer.BINARY);
        EtcdServer etcd = EtcdServer.start();
        return new Server() {
            @Override
            public String hostPort() {
                return etcd.hostPort();
            }

            @Override
            public void kill() throws Exception {
                etcd.kill();
            }

            @Override
            public void close() throws Exception {
                etcd.close();
            }
        };
    }

    @Override
    protected Dcs open(String hostPort, String scope, String member, DcsTiming timing) throws DcsException {
        DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of(hostPort)), "service", scope, member,
                timing);
        return new EtcdDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), member, scope, "test"));
    }

    @Override
    protected Optional<byte[]> readRaw(String hostPort, String key) throws Exception {
        if (raw == null) {
            raw = Client.builder().endpoints("http://" + hostPort).build();
        }
        List<KeyValue> kvs = raw.getKVClient().get(ByteSequence.from(key, UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getValue().getBytes());
    }

    @AfterAll
    void closeRawClient() {
        if (raw != null) {
            raw.close();
        }
    }
}
