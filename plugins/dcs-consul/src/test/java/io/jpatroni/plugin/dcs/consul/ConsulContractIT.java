package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.api.dcs.Dcs;
import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.DcsSettings;
import io.jpatroni.api.dcs.DcsTiming;
import io.jpatroni.api.plugin.PluginContext;
import io.jpatroni.testing.consul.ConsulServerHandle;
import io.jpatroni.testing.consul.EmulatedConsul;
import io.jpatroni.testkit.dcs.DcsContract;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The shared DCS contract (dcs-testkit) against the in-process Consul emulator, configured like
 * {@code consul agent -dev} with {@code session_ttl_min = "1s"} so that the kit's ttl of 5 s
 * (session TTL 2.5 s) is accepted. {@link RealConsulContractIT} runs the same against a real agent.
 */
class ConsulContractIT extends DcsContract {

    /** A Consul HTTP endpoint for the kit; the real-agent variant overrides it. */
    protected ConsulServerHandle launch() throws Exception {
        return EmulatedConsul.launch(Duration.ofSeconds(1));
    }

    @Override
    protected final Server startServer() throws Exception {
        ConsulServerHandle consul = launch();
        return new Server() {
            @Override
            public String hostPort() {
                return consul.hostPort();
            }

            @Override
            public void kill() {
                consul.kill();
            }

            @Override
            public void close() {
                consul.close();
            }
        };
    }

    @Override
    protected final Dcs open(String hostPort, String scope, String member, DcsTiming timing) throws DcsException {
        DcsSettings settings = new DcsSettings("consul", Map.of("host", hostPort), "service", scope, member, timing);
        return new ConsulDcsProvider().create(settings, new PluginContext(Clock.systemUTC(), member, scope, "test"));
    }

    /** A non-leader's watch is a blocking query on the leader key, with no 0.5 s added (spec/dcs.md §4.2). */
    @Override
    protected Duration nonLeaderWatchExtra() {
        return Duration.ZERO;
    }

    /** Without a leader version Consul's watch waits on the wake event only: nothing watches the prefix. */
    @Override
    protected boolean watchSeesOtherClientsWithoutLeaderVersion() {
        return false;
    }

    /** Consul stores {@code /service/s/leader} as {@code service/s/leader}: read it back with {@code ?raw}. */
    @Override
    protected final Optional<byte[]> readRaw(String hostPort, String key) throws Exception {
        return new RawConsul(hostPort).rawValue(key.startsWith("/") ? key.substring(1) : key);
    }
}
