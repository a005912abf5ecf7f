package io.jpatroni.api.callback;

import java.util.Map;
import org.pf4j.ExtensionPoint;

/**
 * A plugin's view of Patroni's callbacks ({@code on_start}, {@code on_stop}, {@code on_restart},
 * {@code on_reload}, {@code on_role_change}): called after the event, on a thread of its own, never
 * on the HA loop's. A slow or failing listener delays nothing but other listeners.
 */
public interface CallbackListener extends ExtensionPoint {

    /**
     * Called once at start, before any event, with the patroni.yml values of the keys the plugin
     * declares in its descriptor ({@code jpatroni.config.keys}), by dotted key (e.g.
     * {@code example_callback} → its map); keys absent from the file are absent here. Throw
     * {@link IllegalArgumentException} naming the key, the bad value and the fix to stop the daemon
     * from starting with a configuration the plugin cannot honour. Must return within milliseconds.
     */
    default void configure(Map<String, Object> settings) {
    }

    void onEvent(CallbackEvent event);
}
