package io.jpatroni.api.bootstrap;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link BootstrapMethod} is asked to do.
 *
 * @param scope       the cluster name
 * @param nodeName    this member's name
 * @param dataDir     the data directory to create or fill (it may not exist yet)
 * @param options     the method's section {@code bootstrap.<name>} as written in patroni.yml
 * @param environment variables to add to any child process
 */
public record BootstrapRequest(String scope, String nodeName, Path dataDir, Map<String, Object> options,
                               Map<String, String> environment) {

    public BootstrapRequest {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        // insertion order kept (it is the order of the command-line options); null values allowed, as YAML has them
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }
}
