package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.testing.consul.ConsulAgentProcess;
import io.jpatroni.testing.consul.ConsulServerHandle;
import org.junit.jupiter.api.Assumptions;

/**
 * The same contract against a real {@code consul agent -dev} when a {@code consul} binary is on
 * the PATH (or {@code -Djpatroni.consul=<path>}); skipped otherwise. With {@code -Preal-consul}
 * a missing binary is a failure instead of a skip.
 */
class RealConsulDcsIT extends ConsulDcsContract {

    @Override
    protected ConsulServerHandle startServer() throws Exception {
        // Checked here: the base class's @BeforeAll runs before any of this class's.
        if (Boolean.getBoolean("jpatroni.consul.require") && !ConsulAgentProcess.available()) {
            throw new IllegalStateException("-Preal-consul: no consul binary on the PATH (or -Djpatroni.consul=...)");
        }
        Assumptions.assumeTrue(ConsulAgentProcess.available(),
                "no consul binary on the PATH: real-Consul tests skipped (the emulator ran the same contract)");
        return ConsulAgentProcess.launch();
    }
}
