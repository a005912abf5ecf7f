package io.jpatroni.core.rest;

/** The handler of one method + first-path-segment pair. */
@FunctionalInterface
public interface Endpoint {
    RestResponse handle(RestRequest request) throws Exception;
}
