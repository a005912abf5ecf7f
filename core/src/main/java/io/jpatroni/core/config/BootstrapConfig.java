package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code bootstrap} section, used only by the node that initialises a new cluster.
 * {@code method} is the effective method: {@code initdb}, or the name of a custom section that has a
 * {@code command}. {@code initdbArgs} are rendered ({@code --data-checksums}, {@code --encoding=UTF8});
 * the superuser options are not included (they are added when initdb runs).
 */
public record BootstrapConfig(Map<String, Object> dcs, String method, List<String> initdbArgs, List<String> pgHba,
                              List<BootstrapUser> users, Optional<String> postBootstrap) {

    public BootstrapConfig {
        dcs = Frozen.map(dcs);
        Objects.requireNonNull(method, "method");
        initdbArgs = List.copyOf(initdbArgs);
        pgHba = List.copyOf(pgHba);
        users = List.copyOf(users);
        Objects.requireNonNull(postBootstrap, "postBootstrap");
    }

    public boolean isInitdb() {
        return "initdb".equals(method);
    }

    @Override
    public String toString() {
        return "BootstrapConfig[dcs=" + Secrets.mask(dcs) + ", method=" + method + ", initdbArgs=" + initdbArgs
                + ", pgHba=" + pgHba + ", users=" + users + ", postBootstrap=" + postBootstrap + "]";
    }
}
