package io.jpatroni.core.rest;

/** One family of REST resources; registers its endpoints in the routing table. */
public interface Resource {
    void register(Routes routes);
}
