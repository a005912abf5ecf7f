package io.jpatroni.core.ctl;

import java.nio.file.Path;
import java.util.Optional;

/** Builds the {@link ClusterSource} once the global options ({@code -c}) are parsed. */
@FunctionalInterface
public interface ClusterSourceFactory {
    ClusterSource open(Optional<Path> configFile) throws Exception;
}
