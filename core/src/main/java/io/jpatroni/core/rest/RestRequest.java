package io.jpatroni.core.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One parsed request as the handlers see it: Patroni routes on the method and the first path
 * segment and parses the query into a multi-map (rest-api.md §1.3).
 *
 * @param path   the path without the query string, percent-decoded
 * @param query  parameters with their values in order; blank values are dropped, as Patroni's parser does
 * @param header header lookup by name (case-insensitive), first value
 * @param body   the request body, empty when the request had no Content-Length
 * @param peer   the client's IP address as text
 */
public record RestRequest(String method, String path, Map<String, List<String>> query,
                          Function<String, Optional<String>> header, Optional<byte[]> body, String peer) {

    public RestRequest {
        query = Map.copyOf(query);
    }

    /** First value of a query parameter. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The first path segment, which selects the handler: {@code /config/x} → {@code config}. */
    public String firstSegment() {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        int end = path.indexOf('/', start);
        return end < 0 ? path.substring(start) : path.substring(start, end);
    }

    /** A request without headers or body, for in-process callers and tests: {@code of("GET", "/replica?lag=1MB")}. */
    public static RestRequest of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        return new RestRequest(method, path, parseQuery(q < 0 ? "" : pathAndQuery.substring(q + 1)),
                h -> Optional.empty(), Optional.empty(), "127.0.0.1");
    }

    /** {@code a=1&b=2&a=3} → {a: [1, 3], b: [2]}; pairs without a value are dropped. */
    public static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0 || eq == pair.length() - 1) {
                continue;
            }
            String key = decode(pair.substring(0, eq));
            String value = decode(pair.substring(eq + 1));
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
