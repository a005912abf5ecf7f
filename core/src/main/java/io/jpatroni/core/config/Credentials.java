package io.jpatroni.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A PostgreSQL role Patroni connects as: username, optional password and the libpq options
 * Patroni keeps ({@code sslmode}, {@code sslcert}, ...). {@link #toString()} never shows the password.
 */
public record Credentials(String username, Optional<String> password, Map<String, String> libpqOptions) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        libpqOptions = Map.copyOf(libpqOptions);
    }

    public static Credentials of(String username, String password) {
        return new Credentials(username, Optional.ofNullable(password), Map.of());
    }

    @Override
    public String toString() {
        Map<String, String> opts = new TreeMap<>(libpqOptions);
        opts.replaceAll((k, v) -> Secrets.isSecretKey(k) ? Secrets.MASK : v);
        return "Credentials[username=" + username + ", password=" + (password.isPresent() ? Secrets.MASK : "<none>")
                + (opts.isEmpty() ? "" : ", " + opts) + "]";
    }
}
