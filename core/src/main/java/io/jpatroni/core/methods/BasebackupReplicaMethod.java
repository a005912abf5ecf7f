package io.jpatroni.core.methods;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import io.jpatroni.core.postgres.PostgresException;
import io.jpatroni.core.postgres.PostgresNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * The built-in {@code basebackup} method: pg_basebackup from the clone source (ha-loop.md §4.2), two attempts,
 * the data directory emptied before each and after the last failure. A plugin method named {@code basebackup}
 * would replace it.
 */
public final class BasebackupReplicaMethod implements ReplicaMethod {

    public static final String NAME = "basebackup";

    private final PostgresNode pg;
    private final Supplier<List<String>> options;

    /** @param options the rendered {@code postgresql.basebackup} options, read at each clone (SIGHUP may change them) */
    public BasebackupReplicaMethod(PostgresNode pg, Supplier<List<String>> options) {
        this.pg = pg;
        this.options = options;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ReplicaResult create(ReplicaRequest request, Progress progress) throws InterruptedException {
        if (request.connstring().isEmpty()) {
            return ReplicaResult.failure("basebackup needs a running member to copy from");
        }
        try {
            return pg.basebackup(request.connstring().get(), request.connstring().get(), options.get())
                    ? ReplicaResult.success() : ReplicaResult.failure("pg_basebackup failed");
        } catch (PostgresException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("pg_basebackup was cancelled");
            }
            return ReplicaResult.failure(e.getMessage());
        }
    }
}
