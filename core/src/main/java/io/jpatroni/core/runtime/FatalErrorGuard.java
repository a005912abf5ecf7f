package io.jpatroni.core.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when the JVM can no longer be trusted (OutOfMemoryError, StackOverflowError, any
 * VirtualMachineError, on any thread): PostgreSQL must not be left running as an unmanaged primary
 * that nobody demotes. The guard stops it, as a clean SIGTERM would, and then halts the JVM.
 *
 * <p>It is built to work under memory pressure: a memory reserve is released before anything else,
 * and the thread that does the work is started up front (creating a thread needs memory), waiting on
 * a latch. The thread that hit the error only releases the reserve and counts the latch down.
 */
public final class FatalErrorGuard {

    private static final Logger LOG = LoggerFactory.getLogger(FatalErrorGuard.class);
    /** Exit status after a fatal error, as the JVM's own -XX:+ExitOnOutOfMemoryError uses. */
    public static final int EXIT_CODE = 3;
    private static final int DEFAULT_RESERVE_BYTES = 4 * 1024 * 1024;

    /** Stops PostgreSQL if it runs as a primary here (and releases what can be released). */
    @FunctionalInterface
    public interface Stopper {
        void stopPostgres(Throwable cause);
    }

    /** Ends the process; only the runtime may. */
    @FunctionalInterface
    public interface Halt {
        void halt(int status);
    }

    private final Stopper stopper;
    private final Halt halt;
    private final CountDownLatch trigger = new CountDownLatch(1);
    private final AtomicBoolean fired = new AtomicBoolean();
    private final Thread worker;
    @SuppressWarnings("unused") // held only to be released: the headroom the stop needs
    private volatile byte[] reserve;
    private volatile Throwable cause;

    public FatalErrorGuard(Stopper stopper, Halt halt) {
        this(stopper, halt, DEFAULT_RESERVE_BYTES);
    }

    FatalErrorGuard(Stopper stopper, Halt halt, int reserveBytes) {
        this.stopper = stopper;
        this.halt = halt;
        this.reserve = new byte[reserveBytes];
        this.worker = new Thread(this::awaitAndStop, "jpatroni-fatal-error-guard");
        this.worker.setDaemon(true);
    }

    /** Whether {@code e} means the JVM cannot go on. */
    public static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError;
    }

    /**
     * For code that catches Throwable on behalf of others (a REST server, an executor): hands a fatal
     * error to the installed guard (the default uncaught-exception handler) and returns.
     */
    public static void report(Throwable e) {
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        if (handler != null && isFatal(e)) {
            handler.uncaughtException(Thread.currentThread(), e);
        }
    }

    /** Starts the worker and becomes the default uncaught-exception handler of every thread. */
    public FatalErrorGuard install() {
        worker.start();
        Thread.setDefaultUncaughtExceptionHandler(this::uncaught);
        return this;
    }

    void uncaught(Thread thread, Throwable e) {
        if (isFatal(e)) {
            onFatal(e);
        } else {
            LOG.error("uncaught exception in thread {}", thread.getName(), e);
        }
    }

    /** A fatal error happened: release the reserve, wake the worker (once). Returns at once. */
    public void onFatal(Throwable e) {
        reserve = null;
        if (fired.compareAndSet(false, true)) {
            cause = e;
            trigger.countDown();
        }
    }

    public boolean fired() {
        return fired.get();
    }

    /** For the thread that hit the error and has nothing left to do: wait for the halt. */
    public void awaitHalt() throws InterruptedException {
        worker.join();
    }

    private void awaitAndStop() {
        try {
            trigger.await();
        } catch (InterruptedException e) {
            return;
        }
        Throwable e = cause;
        try {
            LOG.error("FATAL: {}: stopping PostgreSQL before exiting so it is not left running unmanaged", String.valueOf(e));
            stopper.stopPostgres(e);
        } catch (Throwable again) {
            // nothing more can be done about PostgreSQL from here; exiting is still right
            try {
                LOG.error("FATAL: could not stop PostgreSQL: {}", again.toString());
            } catch (Throwable ignored) {
                // logging itself failed
            }
        } finally {
            halt.halt(EXIT_CODE);
        }
    }
}
