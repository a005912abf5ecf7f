package io.jpatroni.core.loop;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs at most one long action (bootstrap, clone, promote, rewind, start) beside the HA loop.
 * While it runs the loop only keeps the lock alive; its name is an input to the next decision.
 */
public final class AsyncRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncRunner.class);

    /** A background task; its failure is logged and reported through {@link #lastFailed()}. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jpatroni-async");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<String> running = new AtomicReference<>();
    private final Runnable onDone;
    private volatile boolean lastFailed;
    private volatile Future<?> current;

    public AsyncRunner(Runnable onDone) {
        this.onDone = onDone;
    }

    public Optional<String> running() {
        return Optional.ofNullable(running.get());
    }

    public boolean lastFailed() {
        return lastFailed;
    }

    /** Starts {@code task} unless another one runs; returns false when busy. */
    public boolean start(String name, Task task) {
        if (!running.compareAndSet(null, name)) {
            return false;
        }
        current = executor.submit(() -> {
            boolean failed = false;
            try {
                task.run();
            } catch (InterruptedException e) {
                failed = true;
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failed = true;
                LOG.error("{} failed: {}", name, e.getMessage(), e);
            } catch (VirtualMachineError e) {
                failed = true;
                io.jpatroni.core.runtime.FatalErrorGuard.report(e); // a Future would keep it to itself
                throw e;
            } finally {
                lastFailed = failed;
                running.set(null);
                onDone.run();
            }
        });
        return true;
    }

    /** Cancels the running task (interrupting it) at shutdown. */
    public void cancel() {
        Future<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
