package io.jpatroni.core.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jpatroni.core.config.ConfigLoader;
import io.jpatroni.core.config.PatroniConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which credentials jpatronictl sends to the REST API (patronictl.md §1.3). */
class RestCredentialsTest {

    @TempDir
    Path dir;

    private PatroniConfig load(String extra) throws Exception {
        Path file = dir.resolve("patroni.yml");
        Files.writeString(file, "scope: batman\nname: pg-node1\n"
                + "restapi:\n  listen: 127.0.0.1:8008\n  connect_address: 127.0.0.1:8008\n"
                + "  authentication:\n    username: rest\n    password: restpw\n"
                + "etcd3:\n  hosts: 127.0.0.1:2379\n"
                + "postgresql:\n  listen: 127.0.0.1:5432\n  connect_address: 127.0.0.1:5432\n  data_dir: /tmp/x\n"
                + "  authentication:\n    superuser:\n      username: postgres\n      password: pw\n"
                + "    replication:\n      username: replicator\n      password: pw\n"
                + extra);
        return ConfigLoader.loadWithWarnings(Optional.of(file), Map.of()).config();
    }

    @Test
    void ctlAuthenticationWinsOverRestapi() throws Exception {
        assertEquals(Optional.of("rest:restpw"), Jpatronictl.restCredentials(load("")));
        assertEquals(Optional.of("admin:adminpw"), Jpatronictl.restCredentials(
                load("ctl:\n  authentication:\n    username: admin\n    password: adminpw\n")));
        assertEquals(Optional.of("old:style"), Jpatronictl.restCredentials(load("ctl:\n  auth: old:style\n")));
    }
}
