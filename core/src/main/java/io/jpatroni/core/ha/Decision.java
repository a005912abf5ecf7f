package io.jpatroni.core.ha;

import java.util.List;

/** What one iteration does, and the status line Patroni would log for it. */
public record Decision(List<HaAction> actions, String message) {

    public Decision {
        actions = List.copyOf(actions);
    }

    public static Decision of(String message, HaAction... actions) {
        return new Decision(List.of(actions), message);
    }

    public static Decision nothing(String message) {
        return new Decision(List.of(), message);
    }
}
