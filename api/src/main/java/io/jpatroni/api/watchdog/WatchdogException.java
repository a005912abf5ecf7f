package io.jpatroni.api.watchdog;

/** A watchdog device could not be opened, set or kept alive; the message names the device. */
public class WatchdogException extends Exception {

    public WatchdogException(String message) {
        super(message);
    }

    public WatchdogException(String message, Throwable cause) {
        super(message, cause);
    }
}
