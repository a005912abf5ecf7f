package io.jpatroni.core.rest;

/**
 * Ends a handler early with a ready answer (a 400 error page for a bad body, a 422 for a bad
 * timestamp, ...). The router sends {@link #response()} as it is.
 */
public final class RestError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RestResponse response;

    public RestError(RestResponse response) {
        super("HTTP " + response.code(), null, false, false);
        this.response = response;
    }

    public RestResponse response() {
        return response;
    }
}
