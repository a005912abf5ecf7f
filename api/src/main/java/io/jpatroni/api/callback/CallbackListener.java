package io.jpatroni.api.callback;

import org.pf4j.ExtensionPoint;

/**
 * A plugin's view of Patroni's callbacks ({@code on_start}, {@code on_stop}, {@code on_restart},
 * {@code on_reload}, {@code on_role_change}): called after the event, on a thread of its own, never
 * on the HA loop's. A slow or failing listener delays nothing but other listeners.
 */
public interface CallbackListener extends ExtensionPoint {

    void onEvent(CallbackEvent event);
}
