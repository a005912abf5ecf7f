package io.jpatroni.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code restapi} section: where to listen, what to advertise, optional Basic auth, the
 * listener's sizes ({@code request_queue_size}: listen backlog; {@code thread_pool_size}: workers),
 * TLS (present iff {@code certfile} is set) and the access rules of the protected endpoints.
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                            int requestQueueSize, int threadPoolSize, Optional<RestTlsConfig> tls,
                            RestAccessConfig access) {

    /** Patroni's defaults for request_queue_size and thread_pool_size. */
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 5;
    public static final int DEFAULT_THREAD_POOL_SIZE = 5;

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        connectAddress = connectAddress == null ? listen : connectAddress;
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(access, "access");
    }

    /** Plain HTTP, no allowlist, no extra headers. */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                         int requestQueueSize, int threadPoolSize) {
        this(listen, connectAddress, authentication, requestQueueSize, threadPoolSize, Optional.empty(),
                RestAccessConfig.OPEN);
    }

    /** Plain HTTP with Patroni's default sizes. */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {
        this(listen, connectAddress, authentication, DEFAULT_REQUEST_QUEUE_SIZE, DEFAULT_THREAD_POOL_SIZE);
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
