package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/**
 * Who may call the protected endpoints and what every response carries (rest-api.md §2.2, §2.5).
 *
 * @param allowlist               host names, IPs and CIDR networks, as written (resolved by the REST server)
 * @param allowlistIncludeMembers also allow the hosts of the members' {@code api_url}
 * @param httpExtraHeaders        added to every normal response
 * @param httpsExtraHeaders       merged over {@code httpExtraHeaders} when the API speaks HTTPS
 */
public record RestAccessConfig(List<String> allowlist, boolean allowlistIncludeMembers,
                               Map<String, String> httpExtraHeaders, Map<String, String> httpsExtraHeaders) {

    public static final RestAccessConfig OPEN = new RestAccessConfig(List.of(), false, Map.of(), Map.of());

    public RestAccessConfig {
        allowlist = List.copyOf(allowlist);
        httpExtraHeaders = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(httpExtraHeaders));
        httpsExtraHeaders = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(httpsExtraHeaders));
    }

    /** The headers for a listener that does ({@code https}) or does not speak TLS, https ones winning. */
    public Map<String, String> extraHeaders(boolean https) {
        Map<String, String> out = new java.util.LinkedHashMap<>(httpExtraHeaders);
        if (https) {
            out.putAll(httpsExtraHeaders);
        }
        return out;
    }
}
