package io.jpatroni.api.dcs.support;

import java.util.LinkedHashSet;

/**
 * The revisions (etcd) or transaction ids (ZooKeeper) of this node's own latest writes, so that
 * the watch event a write causes does not wake the HA loop. Only the most recent few are kept:
 * an event for an older one has long been consumed.
 */
public final class OwnWrites {

    private static final int KEEP = 256;
    private final LinkedHashSet<Long> stamps = new LinkedHashSet<>();

    public synchronized void add(long stamp) {
        stamps.add(stamp);
        if (stamps.size() > KEEP) {
            stamps.remove(stamps.iterator().next());
        }
    }

    public synchronized boolean contains(long stamp) {
        return stamps.contains(stamp);
    }
}
