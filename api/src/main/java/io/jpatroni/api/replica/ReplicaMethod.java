package io.jpatroni.api.replica;

import org.pf4j.ExtensionPoint;

/**
 * A way to create a replica's data directory, selected by name from {@code postgresql.create_replica_methods}
 * (alias {@code create_replica_method}). The core tries the listed methods in order and stops at the first
 * that succeeds; the built-in {@code basebackup} is one of them.
 *
 * <p>Time budget: {@link #create} runs on the daemon's asynchronous action runner, never on the HA loop
 * thread, and may take as long as the restore needs (hours for a large database). It must
 * <ul>
 *   <li>report progress through {@code progress} at least every minute or so, in words an operator can
 *       follow (bytes restored, files left, the tool's own progress lines);</li>
 *   <li>stop promptly (within a few seconds) when its thread is interrupted — the daemon is shutting down or an
 *       operator forced a reinitialize — killing any child process it started, and then throw
 *       {@link InterruptedException};</li>
 *   <li>leave the data directory alone on failure: the core empties it afterwards unless {@code keep_data}
 *       is set.</li>
 * </ul>
 * Implementations depend on the JDK only; a plugin contributes one with PF4J's {@code @Extension}.
 */
public interface ReplicaMethod extends ExtensionPoint {

    /** The name patroni.yml lists in {@code create_replica_methods}, e.g. {@code pgbackrest}. */
    String name();

    /**
     * Fills {@link ReplicaRequest#dataDir()} with a copy of the cluster that PostgreSQL can start as a standby.
     *
     * @return success, or a failure with a reason the core logs before trying the next method
     * @throws InterruptedException when the thread was interrupted (cancelled); the child processes are gone
     */
    ReplicaResult create(ReplicaRequest request, Progress progress) throws InterruptedException;

    /** Where a method reports how far it got; each call is one log line. Safe to call from any thread. */
    @FunctionalInterface
    interface Progress {
        void report(String line);
    }
}
