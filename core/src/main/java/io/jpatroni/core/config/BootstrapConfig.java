package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code bootstrap} section, used only by the node that initialises a new cluster.
 * {@code method} is the effective method: {@code initdb}, or the name of a custom section that has a
 * {@code command}. {@code initdbArgs} are rendered ({@code --data-checksums}, {@code --encoding=UTF8});
 * the superuser options are not included (they are added when initdb runs). {@code methodSection} is
 * {@code bootstrap.<method>} as written (empty for initdb): command, no_params, keep_existing_recovery_conf,
 * recovery_conf and the options passed to the command.
 */
public record BootstrapConfig(Map<String, Object> dcs, String method, List<String> initdbArgs, List<String> pgHba,
                              List<BootstrapUser> users, Optional<String> postBootstrap, Map<String, Object> methodSection) {

    public BootstrapConfig {
        dcs = Frozen.map(dcs);
        Objects.requireNonNull(method, "method");
        initdbArgs = List.copyOf(initdbArgs);
        pgHba = List.copyOf(pgHba);
        users = List.copyOf(users);
        Objects.requireNonNull(postBootstrap, "postBootstrap");
        methodSection = Frozen.map(methodSection);
    }

    public BootstrapConfig(Map<String, Object> dcs, String method, List<String> initdbArgs, List<String> pgHba,
                           List<BootstrapUser> users, Optional<String> postBootstrap) {
        this(dcs, method, initdbArgs, pgHba, users, postBootstrap, Map.of());
    }

    /** {@code keep_existing_recovery_conf}: keep the recovery files a custom method's restore left. */
    public boolean keepExistingRecoveryConf() {
        return ValueParsers.truthy(methodSection.get("keep_existing_recovery_conf"));
    }

    /** {@code bootstrap.<method>.recovery_conf}, written after a custom method (empty: none). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> methodRecoveryConf() {
        return methodSection.get("recovery_conf") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public boolean isInitdb() {
        return "initdb".equals(method);
    }

    @Override
    public String toString() {
        return "BootstrapConfig[dcs=" + Secrets.mask(dcs) + ", method=" + method + ", initdbArgs=" + initdbArgs
                + ", pgHba=" + pgHba + ", users=" + users + ", postBootstrap=" + postBootstrap
                + ", methodSection=" + Secrets.mask(methodSection) + "]";
    }
}
