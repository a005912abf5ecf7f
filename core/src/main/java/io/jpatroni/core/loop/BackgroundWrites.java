package io.jpatroni.core.loop;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCS writes the HA loop does not wait for (member key, status, history). With the DCS gone each
 * of them could take a whole retry_timeout; in the loop thread they would push the next iteration,
 * and so the demotion of a primary that lost the DCS, past the moment its lock expires (the
 * simulator's seed 146). Here they run one at a time on their own thread; for each kind of write
 * only the newest pending one is kept.
 */
final class BackgroundWrites implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWrites.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jpatroni-dcs-writes");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Runnable> pending = new ConcurrentHashMap<>();

    /** Queues {@code write}, replacing a pending write of the same kind that has not started yet. */
    void submit(String kind, Runnable write) {
        if (pending.put(kind, write) == null) {
            thread.execute(() -> {
                Runnable latest = pending.remove(kind);
                if (latest != null) {
                    try {
                        latest.run();
                    } catch (RuntimeException e) {
                        LOG.warn("DCS write of {} failed: {}", kind, e.getMessage());
                    }
                }
            });
        }
    }

    /** Waits for what is queued so far (shutdown: the last member key must reach the DCS). */
    void flush(Duration limit) {
        try {
            thread.submit(() -> { }).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("pending DCS writes not finished after {} s", limit.toSeconds());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
