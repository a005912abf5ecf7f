package io.jpatroni.core.rest;

/**
 * The two sizes patroni.yml lets an operator choose for the REST listener (config.md §3.3).
 *
 * @param requestQueueSize {@code restapi.request_queue_size}: the listen backlog Patroni asks for (0..4096)
 * @param threadPoolSize   {@code restapi.thread_pool_size}: threads answering reads and health checks (≥ 5)
 */
public record RestLimits(int requestQueueSize, int threadPoolSize) {

    /** Patroni's defaults: a backlog of 5 and 5 worker threads. */
    public static final RestLimits DEFAULT = new RestLimits(5, 5);

    /**
     * Patroni's default backlog of 5 suits a server that accepts from a blocking thread; ours accepts on an
     * event loop, and a burst of reconnecting clients (HAProxy checks, or an attacker's) overflowing 5
     * pending connections makes the kernel drop a health check's SYN for a whole second. The configured
     * size therefore only ever raises the backlog above this floor.
     */
    static final int MIN_BACKLOG = 128;

    public int listenBacklog() {
        return Math.max(MIN_BACKLOG, requestQueueSize);
    }

    public RestLimits {
        if (requestQueueSize < 0 || requestQueueSize > 4096) {
            throw new IllegalArgumentException("restapi.request_queue_size " + requestQueueSize
                    + " is outside 0..4096");
        }
        if (threadPoolSize < 5) {
            throw new IllegalArgumentException("restapi.thread_pool_size " + threadPoolSize + " is below 5");
        }
    }
}
