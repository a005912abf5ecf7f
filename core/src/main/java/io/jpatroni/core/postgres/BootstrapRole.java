package io.jpatroni.core.postgres;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One entry of 3.0.2's {@code bootstrap.users}: a role created after bootstrap with its options. */
public record BootstrapRole(String name, Optional<String> password, List<String> options) {
    public BootstrapRole {
        Objects.requireNonNull(name, "name");
        password = password == null ? Optional.empty() : password;
        options = options == null ? List.of() : List.copyOf(options);
    }

    @Override
    public String toString() {
        return "BootstrapRole[name=" + name + ", password=" + (password.isPresent() ? "******" : "<none>")
                + ", options=" + options + "]";
    }
}
