package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.testing.consul.ConsulAgentProcess;
import io.jpatroni.testing.consul.ConsulServerHandle;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The Consul-specific checks ({@link ConsulDcsContract}) against a real {@code consul agent -dev}
 * when a {@code consul} binary is on the PATH (or {@code -Djpatroni.consul=<path>}); skipped
 * otherwise. With {@code -Preal-consul} the class always runs, so a missing binary fails it
 * instead of skipping it. The shared kit on a real agent: {@link RealConsulContractIT}.
 */
@EnabledIf(value = "runnable", disabledReason = "no consul binary on the PATH (or -Djpatroni.consul=<path>):"
        + " the Consul-specific checks ran against the emulator only")
class RealConsulDcsIT extends ConsulDcsContract {

    static boolean runnable() {
        return ConsulAgentProcess.available() || Boolean.getBoolean("jpatroni.consul.require");
    }

    @Override
    protected ConsulServerHandle startServer() throws Exception {
        return ConsulAgentProcess.launch(); // fails with "no consul binary" under -Preal-consul without one
    }
}
