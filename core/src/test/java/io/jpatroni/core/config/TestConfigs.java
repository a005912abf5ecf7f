package io.jpatroni.core.config;

import java.util.List;
import java.util.Map;

/** Small helpers to build configurations from YAML text in tests. */
final class TestConfigs {

    private TestConfigs() {
    }

    static final String MINIMAL = String.join("\n",
            "scope: batman",
            "name: node1",
            "restapi:",
            "  listen: 127.0.0.1:8008",
            "  connect_address: 10.0.0.1:8008",
            "etcd3:",
            "  hosts: 127.0.0.1:2379",
            "postgresql:",
            "  listen: 127.0.0.1:5432",
            "  connect_address: 10.0.0.1:5432",
            "  data_dir: /tmp/data",
            "  authentication:",
            "    superuser: {username: postgres, password: s3cret-su}",
            "    replication: {username: replicator, password: s3cret-rep}",
            "");

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) throws ConfigException {
        return (Map<String, Object>) Yaml11.load(text, "test.yml");
    }

    /** MINIMAL with {@code extra} YAML merged over it. */
    static Map<String, Object> minimalWith(String extra) throws ConfigException {
        Map<String, Object> base = yaml(MINIMAL);
        if (!extra.isBlank()) {
            ConfigLoader.merge(base, yaml(extra));
        }
        return base;
    }

    static List<ConfigProblem> errors(Map<String, Object> raw) {
        return ConfigValidator.validate(raw).stream().filter(ConfigProblem::isError).toList();
    }

    static List<ConfigProblem> warnings(Map<String, Object> raw) {
        return ConfigValidator.validate(raw).stream().filter(p -> !p.isError()).toList();
    }
}
