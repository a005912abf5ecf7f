package io.jpatroni.core.ha;

import java.util.OptionalLong;

/**
 * What a peer's {@code GET /patroni} said during a leader race (ha-loop.md §8.2.1 step 7).
 * {@code usable} = it answered with an xlog object, is not nofailover and its watchdog is fine.
 */
public record PeerStatus(String name, boolean usable, boolean inRecovery, long walPosition, int failoverPriority,
                         OptionalLong timeline) {

    public static PeerStatus unreachable(String name) {
        return new PeerStatus(name, false, true, 0, 0, OptionalLong.empty());
    }
}
