package io.jpatroni.core.runtime;

import org.slf4j.LoggerFactory;

/** SIGHUP must not kill the daemon (the JVM's default); Patroni reloads its configuration on it. */
final class Signals {

    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).warn("cannot handle SIGHUP here: {}", e.getMessage());
        }
    }
}
