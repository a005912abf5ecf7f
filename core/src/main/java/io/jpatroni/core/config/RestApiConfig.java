package io.jpatroni.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code restapi} section: where to listen, what to advertise, optional Basic auth, and the
 * listener's sizes ({@code request_queue_size}: listen backlog; {@code thread_pool_size}: workers).
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication,
                            int requestQueueSize, int threadPoolSize) {

    /** Patroni's defaults for request_queue_size and thread_pool_size. */
    public static final int DEFAULT_REQUEST_QUEUE_SIZE = 5;
    public static final int DEFAULT_THREAD_POOL_SIZE = 5;

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        connectAddress = connectAddress == null ? listen : connectAddress;
        Objects.requireNonNull(authentication, "authentication");
    }

    public RestApiConfig(HostPort listen, HostPort connectAddress, Optional<Credentials> authentication) {
        this(listen, connectAddress, authentication, DEFAULT_REQUEST_QUEUE_SIZE, DEFAULT_THREAD_POOL_SIZE);
    }

    /** {@code http://<connect_address>/patroni}, the member's {@code api_url} (TLS decided elsewhere). */
    public String apiUrl(boolean https) {
        return (https ? "https://" : "http://") + connectAddress + "/patroni";
    }
}
