package io.jpatroni.api.bootstrap;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import org.pf4j.ExtensionPoint;

/**
 * A custom way to create a brand-new cluster's data directory instead of initdb, selected by
 * {@code bootstrap.method: <name>} (a restore from a backup repository, a point-in-time recovery). A
 * {@code bootstrap.<name>.command} section is run as Patroni runs it instead, even when a plugin of that name is
 * installed; the plugin serves sections without a command (its typed options).
 *
 * <p>The method only fills the data directory. The core then writes {@code bootstrap.<name>.recovery_conf}
 * (or removes any recovery configuration the restore left, unless {@code keep_existing_recovery_conf}),
 * starts PostgreSQL, waits for the end of recovery and runs post_bootstrap, as for initdb.
 *
 * <p>Time budget: as for {@link ReplicaMethod#create}: it runs on the asynchronous action runner, may take
 * hours, must report progress and must stop promptly (killing its children) when interrupted. A failure is
 * final: the core moves the data directory aside and the daemon exits, with no fallback to initdb.
 */
public interface BootstrapMethod extends ExtensionPoint {

    /** The value of {@code bootstrap.method} this implements, e.g. {@code pgbackrest}. */
    String name();

    ReplicaResult bootstrap(BootstrapRequest request, ReplicaMethod.Progress progress) throws InterruptedException;
}
