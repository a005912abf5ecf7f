package io.jpatroni.plugin.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.jpatroni.api.dcs.KeyLayout;
import io.jpatroni.api.dcs.support.WakeSignal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background etcd watch on the cluster prefix that wakes the HA loop when something it must
 * react to changes (dcs.md §4.1 "Wake-ups"): the {@code leader} value (including its deletion
 * or expiry), {@code config} changing between two values, and, for a node that does not hold
 * the lock, a new {@code status} / {@code optime/leader}. Whether a change was this node's own
 * write (which must not wake it) is decided when the wake-up is consumed.
 *
 * <p>jetcd resumes a broken stream by itself; when it gives up (compaction, stream ended) the
 * watch is opened again from the current revision a second later.
 */
final class ClusterWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final long REOPEN_DELAY_MS = 1000;

    private final Watch watch;
    private final String basePath;
    private final WakeSignal wake;
    private final BooleanSupplier iHoldTheLock;
    private final ScheduledExecutorService reopener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<Generation> current = new AtomicReference<>();

    ClusterWatcher(Watch watch, String basePath, WakeSignal wake, BooleanSupplier iHoldTheLock) {
        this.watch = watch;
        this.basePath = basePath;
        this.wake = wake;
        this.iHoldTheLock = iHoldTheLock;
        this.reopener = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jpatroni-etcd-watch");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        open();
    }

    private void open() {
        if (closed.get()) {
            return;
        }
        Generation generation = new Generation();
        current.set(generation);
        try {
            WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).build();
            generation.watcher.set(watch.watch(ByteSequence.from(basePath, StandardCharsets.UTF_8), option, generation));
            if (generation.done.get()) {
                generation.closeWatcher();
            }
        } catch (RuntimeException e) {
            LOG.debug("could not open the etcd watch on {}: {}", basePath, e.toString());
            scheduleReopen();
        }
    }

    private void scheduleReopen() {
        if (closed.get()) {
            return;
        }
        try {
            reopener.schedule(this::open, REOPEN_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    void onEvents(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            if (!key.startsWith(basePath)) {
                continue;
            }
            String relative = key.substring(basePath.length());
            KeyValue prev = event.getPrevKV();
            boolean hadValue = prev != null && !prev.getKey().isEmpty();
            boolean deleted = event.getEventType() == WatchEvent.EventType.DELETE;
            boolean valueChanged = !hadValue || !prev.getValue().equals(kv.getValue());
            String reason = null;
            switch (relative) {
                case KeyLayout.LEADER -> {
                    if (deleted || valueChanged) {
                        reason = deleted ? "leader key removed" : "leader key changed";
                    }
                }
                case KeyLayout.CONFIG -> {
                    if (!deleted && hadValue && valueChanged) {
                        reason = "config changed";
                    }
                }
                case KeyLayout.STATUS, KeyLayout.LEGACY_OPTIME -> {
                    if (!deleted && valueChanged && !iHoldTheLock.getAsBoolean()) {
                        reason = relative + " changed";
                    }
                }
                default -> {
                }
            }
            if (reason != null) {
                LOG.debug("{} at revision {}", reason, kv.getModRevision());
                wake.changedAt(kv.getModRevision());
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Generation generation = current.get();
            if (generation != null) {
                generation.done.set(true);
                generation.closeWatcher();
            }
            reopener.shutdownNow();
        }
    }

    /** One opened watch; when it ends for good a new generation replaces it. */
    private final class Generation implements Watch.Listener {
        final AtomicReference<Watch.Watcher> watcher = new AtomicReference<>();
        final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void onNext(WatchResponse response) {
            if (!done.get()) {
                try {
                    onEvents(response);
                } catch (RuntimeException e) {
                    LOG.warn("ignoring an etcd watch event that could not be handled", e);
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            LOG.debug("etcd watch on {} interrupted: {}", basePath, EtcdCalls.describe(error));
        }

        @Override
        public void onCompleted() {
            if (done.compareAndSet(false, true)) {
                closeWatcher();
                scheduleReopen();
            }
        }

        void closeWatcher() {
            Watch.Watcher w = watcher.get();
            if (w != null) {
                try {
                    w.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing the etcd watch: {}", e.toString());
                }
            }
        }
    }
}
