package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;

/** Where jpatronictl reads clusters from: the DCS named by the configuration. */
public interface ClusterSource {

    /** One snapshot of the named cluster. */
    ClusterView read(String clusterName) throws Exception;

    /** {@code scope} from the configuration, or null/empty when the configuration names none. */
    String defaultScope();
}
