package io.jpatroni.core.ha;

import java.util.Optional;

/**
 * What this node knows about itself at the start of an iteration: observed once, read-only.
 *
 * @param pgState      Patroni's PostgreSQL state word: running, starting, stopped, crashed, ...
 * @param lastRole     the role this daemon last gave PostgreSQL: primary, replica, demoted, uninitialized
 * @param walPosition  primary: flush LSN; replica: max(receive, replay); 0 when unknown
 * @param firstContact no start/stop/role change has happened since the daemon started
 */
public record LocalNode(String name,
                        boolean nofailover,
                        int failoverPriority,
                        boolean dataDirEmpty,
                        Optional<String> sysid,
                        boolean pgRunning,
                        String pgState,
                        String lastRole,
                        boolean runningAsPrimary,
                        long walPosition,
                        long timeline,
                        boolean hasBootstrapConfig,
                        Optional<String> asyncAction,
                        BootstrapPhase bootstrap,
                        boolean firstContact) {

    /** Where this daemon is in bootstrapping a brand-new cluster. */
    public enum BootstrapPhase { NONE, RUNNING, SUCCEEDED, FAILED }

    public boolean isStarting() {
        return "starting".equals(pgState);
    }
}
