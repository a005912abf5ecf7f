package io.jpatroni.api.dcs;

/** The {@code leader} key: the lock holder's name, its version and the lease/session it is bound to. */
public record Leader(String name, long version, String session) {
}
