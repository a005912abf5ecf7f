package io.jpatroni.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code restapi} section: where to listen, what to advertise, optional Basic auth, TLS
 * (present iff {@code certfile} is set) and the access rules of the protected endpoints.
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                            Optional<RestTlsConfig> tls, RestAccessConfig access) {

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        connectAddress = connectAddress == null ? listen : connectAddress;
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(access, "access");
    }

    /** Plain HTTP, no allowlist, no extra headers. */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {
        this(listen, connectAddress, authentication, Optional.empty(), RestAccessConfig.OPEN);
    }

    /** {@code http(s)://<connect_address>/patroni}, the member's {@code api_url}. */
    public String apiUrl(boolean https) {
        return (https ? "https://" : "http://") + connectAddress + "/patroni";
    }

    /** The member's {@code api_url}: https exactly when {@code certfile} is set (rest-api.md §1.1). */
    public String apiUrl() {
        return apiUrl(tls.isPresent());
    }
}
