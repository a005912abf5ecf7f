package io.jpatroni.core.config;

import java.util.Objects;
import java.util.Optional;

/** The {@code restapi} section: where to listen, what to advertise, optional Basic auth. */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        connectAddress = connectAddress == null ? listen : connectAddress;
        Objects.requireNonNull(authentication, "authentication");
    }

    /** {@code http://<connect_address>/patroni}, the member's {@code api_url} (TLS decided elsewhere). */
    public String apiUrl(boolean https) {
        return (https ? "https://" : "http://") + connectAddress + "/patroni";
    }
}
