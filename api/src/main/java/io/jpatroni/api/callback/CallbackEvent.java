package io.jpatroni.api.callback;

/**
 * One callback event with the same facts a callback script receives as arguments.
 *
 * @param action on_start, on_stop, on_restart, on_reload or on_role_change
 * @param role   the PostgreSQL role at that moment: primary, replica, standby_leader, demoted
 * @param scope  the cluster name
 * @param member this node's name
 */
public record CallbackEvent(String action, String role, String scope, String member) {
}
