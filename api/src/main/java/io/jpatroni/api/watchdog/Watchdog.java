package io.jpatroni.api.watchdog;

import java.util.OptionalInt;

/**
 * An armed watchdog: it resets the machine unless {@link #keepalive()} is called within its
 * timeout. It is the out-of-process backstop for a hung daemon or machine; the core keeps it alive
 * only while this node holds the leader lock.
 *
 * <p>Every method is called from the HA loop thread and must return within milliseconds (one
 * ioctl or write): never block, never retry, never sleep. Calls are not concurrent.
 */
public interface Watchdog extends AutoCloseable {

    /** Human-readable name for logs, e.g. {@code Linux watchdog device /dev/watchdog}. */
    String describe();

    /** Resets the timer. @throws WatchdogException if the device did not take it */
    void keepalive() throws WatchdogException;

    /** Whether {@link #setTimeout} is supported by this device. */
    boolean canSetTimeout();

    /**
     * Asks for a new timeout in seconds; the device may round it, read it back with
     * {@link #timeoutSeconds()}.
     *
     * @throws WatchdogException if unsupported or refused
     */
    void setTimeout(int seconds) throws WatchdogException;

    /**
     * The timeout in effect, in seconds; empty when the device cannot tell (then nobody can prove
     * that it fires before the leader lock expires).
     */
    OptionalInt timeoutSeconds() throws WatchdogException;

    /**
     * Disarms the device where the driver allows it (Linux: the "magic close", writing {@code V}
     * before closing) and releases it. Idempotent.
     */
    @Override
    void close() throws WatchdogException;
}
