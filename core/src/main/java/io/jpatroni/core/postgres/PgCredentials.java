package io.jpatroni.core.postgres;

import java.util.Objects;
import java.util.Optional;

/** A role name and its optional password. The password never appears in {@link #toString()}. */
public record PgCredentials(String username, Optional<String> password) {
    public PgCredentials {
        Objects.requireNonNull(username, "username");
        password = password == null ? Optional.empty() : password;
    }

    public static PgCredentials of(String username, String passwordOrNull) {
        return new PgCredentials(username, Optional.ofNullable(passwordOrNull));
    }

    @Override
    public String toString() {
        return "PgCredentials[username=" + username + ", password=" + (password.isPresent() ? "******" : "<none>") + "]";
    }
}
