package io.jpatroni.api.dcs;

/** A {@code members/<name>} key: the member's JSON, its version and the lease/session it is bound to. */
public record Member(String name, String value, long version, String session) {
}
