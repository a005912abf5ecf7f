package io.jpatroni.core.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The access check for protected endpoints (rest-api.md §2.2). Only basic auth for now; the IP
 * allowlist and client certificates plug in before it.
 */
final class AccessCheck {

    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"Patroni\"");

    private final Optional<byte[]> expected;

    /** @param basicAuth {@code username:password}, or empty when restapi.authentication is not configured */
    AccessCheck(Optional<String> basicAuth) {
        this.expected = basicAuth.map(a -> Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The refusal to send, or empty when the request may proceed. */
    Optional<RestResponse> refuse(RestRequest request) {
        if (expected.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> header = request.header().apply("Authorization");
        if (header.isEmpty()) {
            return Optional.of(unauthorized("no auth header received"));
        }
        String value = header.get();
        byte[] given = value.startsWith("Basic ")
                ? value.substring("Basic ".length()).getBytes(StandardCharsets.US_ASCII) : new byte[0];
        if (!MessageDigest.isEqual(given, expected.get())) {
            return Optional.of(unauthorized("not authenticated"));
        }
        return Optional.empty();
    }

    private static RestResponse unauthorized(String message) {
        return new RestResponse.Body(401, "text/html", message.getBytes(StandardCharsets.UTF_8), CHALLENGE);
    }
}
