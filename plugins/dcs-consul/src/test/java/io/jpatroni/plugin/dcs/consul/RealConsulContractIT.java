package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.testing.consul.ConsulAgentProcess;
import io.jpatroni.testing.consul.ConsulServerHandle;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The shared DCS contract against a real {@code consul agent -dev} (session_ttl_min 1 s) when a
 * {@code consul} binary is on the PATH (or {@code -Djpatroni.consul=<path>}); reported as
 * disabled otherwise. With {@code -Preal-consul} it always runs, so a missing binary fails it.
 */
@EnabledIf(value = "runnable",
        disabledReason = "no consul binary on the PATH (or -Djpatroni.consul=<path>): the kit ran against the emulator only")
class RealConsulContractIT extends ConsulContractIT {

    static boolean runnable() {
        return ConsulAgentProcess.available() || Boolean.getBoolean("jpatroni.consul.require");
    }

    @Override
    protected ConsulServerHandle launch() throws Exception {
        return ConsulAgentProcess.launch(); // fails with "no consul binary" under -Preal-consul without one
    }
}
