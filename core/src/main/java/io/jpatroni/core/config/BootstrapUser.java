package io.jpatroni.core.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** [3.x] {@code bootstrap.users.<name>}: a role created after initialisation with its options (createdb, ...). */
public record BootstrapUser(String name, Optional<String> password, List<String> options) {

    public BootstrapUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        options = List.copyOf(options);
    }

    @Override
    public String toString() {
        return "BootstrapUser[name=" + name + ", password=" + (password.isPresent() ? Secrets.MASK : "<none>")
                + ", options=" + options + "]";
    }
}
