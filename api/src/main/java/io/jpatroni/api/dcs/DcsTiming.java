package io.jpatroni.api.dcs;

import java.time.Duration;

/** ttl, loop_wait and retry_timeout in whole seconds, as Patroni configures them. */
public record DcsTiming(int ttl, int loopWait, int retryTimeout) {

    public static final DcsTiming DEFAULT = new DcsTiming(30, 10, 10);

    public Duration ttlDuration() {
        return Duration.ofSeconds(ttl);
    }

    public Duration retryDuration() {
        return Duration.ofSeconds(retryTimeout);
    }

    public Duration loopWaitDuration() {
        return Duration.ofSeconds(loopWait);
    }
}
