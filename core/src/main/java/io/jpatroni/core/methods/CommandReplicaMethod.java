package io.jpatroni.core.methods;

import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaRequest;
import io.jpatroni.api.replica.ReplicaResult;
import java.util.Optional;

/** A replica method defined in patroni.yml as {@code postgresql.<name>: {command: ...}}, run as Patroni runs it. */
public record CommandReplicaMethod(String name) implements ReplicaMethod {

    @Override
    public ReplicaResult create(ReplicaRequest request, Progress progress) throws InterruptedException {
        var argv = MethodCommandLine.replica(name, request.options(), request.scope(), request.dataDir(),
                request.connstring().orElse(""));
        progress.report("running replica method " + name + ": " + argv.get(0));
        return MethodProcess.run(argv, request.environment(), Optional.empty(), line -> progress.report(name + ": " + line));
    }
}
