package io.jpatroni.core.runtime;

import io.jpatroni.core.loop.HaLoop;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM runs the JVM's shutdown hook, which must not exit before the main thread has stopped
 * PostgreSQL and released the lock, and the main thread must then not call System.exit (that
 * would wait for the hook forever). The hook asks the loop to stop and waits; the main thread does
 * the work and says when it is done.
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    private final HaLoop loop;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;

    Shutdown(HaLoop loop) {
        this.loop = loop;
    }

    /** Runs in the shutdown hook. */
    void requestAndAwait() {
        if (finished.getCount() == 0) {
            return; // the main thread ended on its own (fatal error) and already cleaned up
        }
        LOG.info("received SIGTERM: shutting down");
        requested = true;
        loop.stop();
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean requested() {
        return requested;
    }

    void done() {
        finished.countDown();
    }
}
