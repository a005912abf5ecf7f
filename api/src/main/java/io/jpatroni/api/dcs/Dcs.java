package io.jpatroni.api.dcs;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Backend-neutral operations on one cluster's keys in a distributed configuration store
 * (spec/dcs.md §5). Values are passed as the exact text Patroni stores; a backend never
 * parses JSON. Logical refusals (compare-and-set mismatch, key exists) return {@code false};
 * failure to reach the store within {@code retry_timeout} throws {@link DcsException}.
 *
 * <p>Versions are the backend's token for compare-and-set ({@code mod_revision} in etcd v3);
 * an empty {@link OptionalLong} means "unconditional".
 */
public interface Dcs extends AutoCloseable {

    /** Reads every key under the cluster's base path at once. */
    Cluster getCluster() throws DcsException;

    /** Creates the {@code leader} key with my name, bound to my lease, only if it is absent. */
    boolean attemptToAcquireLeader() throws DcsException;

    /**
     * Refreshes my lease and makes sure the {@code leader} key is still mine and bound to it.
     * Returns true iff I still hold the lock afterwards.
     */
    boolean updateLeader(Leader current) throws DcsException;

    /** Deletes the {@code leader} key only if it holds my name. Never throws. */
    boolean deleteLeader(Leader current);

    /** Writes the {@code leader} key unconditionally with my lease (right after bootstrap only). */
    boolean takeLeader();

    /** Upserts {@code members/<me>} bound to my lease; skipped when unchanged. Never throws. */
    boolean touchMember(String json);

    /** createNew: create {@code initialize} only if absent; otherwise overwrite it. */
    boolean initialize(boolean createNew, String sysid);

    boolean cancelInitialization();

    boolean setConfigValue(String json, OptionalLong version);

    boolean setFailoverValue(String json, OptionalLong version);

    /** Returns the new version on success. */
    OptionalLong setSyncStateValue(String json, OptionalLong version);

    boolean deleteSyncState(OptionalLong version);

    boolean setHistoryValue(String json);

    /** Unconditional write of {@code status}. */
    boolean writeStatus(String json);

    boolean writeFailsafe(String json);

    /** Removes every key of the cluster (jpatronictl remove). */
    boolean deleteCluster();

    /**
     * Sleeps up to {@code timeout}, returning true early when woken: by {@link #wakeup()}, or
     * when the backend sees the leader key (or config) change.
     */
    boolean watch(OptionalLong leaderVersion, Duration timeout) throws InterruptedException;

    /** Wakes a thread sleeping in {@link #watch}. */
    void wakeup();

    /** Applies new ttl / loop_wait / retry_timeout; a ttl change renews the lease. */
    void setTiming(DcsTiming timing);

    @Override
    void close();
}
