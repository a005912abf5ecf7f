package io.jpatroni.api.watchdog;

import org.pf4j.ExtensionPoint;

/**
 * A kind of watchdog (today: Linux {@code /dev/watchdog}), contributed by a plugin. The core asks
 * for one only on the HA loop's leader path and only when {@code watchdog.mode} is not off.
 *
 * <p>Time budgets: {@link #probe} and {@link #open} run on the HA loop thread and must return
 * within a few milliseconds (a device open and a couple of ioctls); they must never wait for a
 * device to appear or retry.
 */
public interface WatchdogProvider extends ExtensionPoint {

    /** The {@code watchdog.driver} value that selects this provider; Patroni's only one is {@code default}. */
    String id();

    /**
     * Whether {@link #open} could succeed, without arming anything (Patroni reports a required but
     * unusable watchdog as {@code watchdog_failed} and the node stays out of the leader race).
     *
     * @throws WatchdogException naming the device and why it cannot be used
     */
    void probe(WatchdogSettings settings) throws WatchdogException;

    /**
     * Opens and thereby arms the device: from here on {@link Watchdog#keepalive()} must be called
     * within {@link Watchdog#timeoutSeconds()}, or the machine is reset.
     *
     * @throws WatchdogException when the device cannot be opened; nothing is armed then
     */
    Watchdog open(WatchdogSettings settings) throws WatchdogException;
}
