package io.jpatroni.core.rest;

import java.time.Duration;

/** How a handler waits between two polls of the DCS; tests pass one that does not sleep. */
@FunctionalInterface
public interface Pacer {

    Pacer REAL = d -> Thread.sleep(d.toMillis());

    void pause(Duration duration) throws InterruptedException;
}
