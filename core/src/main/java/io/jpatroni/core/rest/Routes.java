package io.jpatroni.core.rest;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The routing table: HTTP method plus first path segment → endpoint (rest-api.md §1.3). Each
 * resource family registers its own endpoints; write endpoints are registered as protected so
 * the access check (§2.2) runs before their body is read.
 */
public final class Routes {

    /** A registered endpoint and whether it goes through the access check. */
    public record Route(Endpoint endpoint, boolean isProtected) {
    }

    private final Map<String, Route> routes = new HashMap<>();

    public Routes get(String segment, Endpoint endpoint) {
        return add("GET", segment, endpoint, false);
    }

    public Routes add(String method, String segment, Endpoint endpoint, boolean isProtected) {
        Route previous = routes.putIfAbsent(method + " " + segment, new Route(endpoint, isProtected));
        if (previous != null) {
            throw new IllegalStateException("duplicate route " + method + " /" + segment);
        }
        return this;
    }

    public Optional<Route> find(String method, String segment) {
        return Optional.ofNullable(routes.get(method + " " + segment));
    }
}
