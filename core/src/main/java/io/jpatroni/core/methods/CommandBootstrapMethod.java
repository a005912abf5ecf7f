package io.jpatroni.core.methods;

import io.jpatroni.api.bootstrap.BootstrapMethod;
import io.jpatroni.api.bootstrap.BootstrapRequest;
import io.jpatroni.api.replica.ReplicaMethod;
import io.jpatroni.api.replica.ReplicaResult;
import java.util.Optional;

/** A bootstrap method defined as {@code bootstrap.<name>: {command: ...}} (ha-loop.md §3.3). */
public record CommandBootstrapMethod(String name) implements BootstrapMethod {

    @Override
    public ReplicaResult bootstrap(BootstrapRequest request, ReplicaMethod.Progress progress) throws InterruptedException {
        var argv = MethodCommandLine.bootstrap(request.options(), request.scope(), request.dataDir());
        progress.report("Running custom bootstrap script: " + argv.get(0));
        return MethodProcess.run(argv, request.environment(), Optional.empty(), line -> progress.report(name + ": " + line));
    }
}
