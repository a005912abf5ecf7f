package io.jpatroni.core.loop;

import java.time.Duration;

/** Waiting inside long actions, injected so that nothing in the loop reads a real clock by itself. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
}
