package io.jpatroni.core.ctl;

import java.util.OptionalLong;

/**
 * A {@link ClusterSource} that may also change the cluster: the direct DCS writes jpatronictl
 * makes (patronictl.md §4) and REST calls to the members.
 */
public interface ClusterAdmin extends ClusterSource {

    /** Writes the {@code config} key of {@code clusterName}; with a version only if it still has it (CAS). */
    boolean writeConfig(String clusterName, String json, OptionalLong version) throws Exception;

    /** Writes the {@code failover} key (switchover fallback when no member's REST API answers). */
    boolean writeFailover(String clusterName, String json, OptionalLong version) throws Exception;

    /** Removes every key of the cluster ({@code remove}). */
    boolean deleteCluster(String clusterName) throws Exception;

    /** The client for the members' REST APIs, authenticated as the configuration says. */
    MemberApi memberApi();

    /** The same, with {@code -k/--insecure} from the command line when {@code insecure} is true. */
    default MemberApi memberApi(boolean insecure) {
        return memberApi();
    }
}
