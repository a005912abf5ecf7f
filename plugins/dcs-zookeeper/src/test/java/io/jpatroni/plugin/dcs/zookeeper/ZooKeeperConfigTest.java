package io.jpatroni.plugin.dcs.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class ZooKeeperConfigTest {

    @Test
    void hostsAsAListOrACommaString() throws DcsException {
        assertEquals("zoo1:2181,zoo2:2181", ZooKeeperConfig.parse(Map.of("hosts", List.of("zoo1:2181", "zoo2:2181")))
                .connectString());
        assertEquals("zoo1:2181,zoo2:2181,zoo3", ZooKeeperConfig.parse(Map.of("hosts", " zoo1:2181, zoo2:2181 ,zoo3"))
                .connectString());
        assertEquals(List.of("a:1", "b:2"), ZooKeeperConfig.parse(Map.of("hosts", List.of("a:1,b:2"))).hosts());
    }

    @Test
    void hostsAreRequired() {
        DcsException error = assertThrows(DcsException.class, () -> ZooKeeperConfig.parse(Map.of()));
        assertTrue(error.getMessage().contains("zookeeper.hosts"), error.getMessage());
        assertThrows(DcsException.class, () -> ZooKeeperConfig.parse(Map.of("hosts", List.of())));
    }

    @Test
    void tlsIsRejectedClearly() {
        DcsException error = assertThrows(DcsException.class,
                () -> ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "use_ssl", true)));
        assertTrue(error.getMessage().contains("zookeeper.use_ssl"), error.getMessage());
        // Like Patroni, which hands the raw value on: a non-empty string counts as true.
        assertThrows(DcsException.class, () -> ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "use_ssl", "false")));
    }

    @Test
    void tlsFilesWithoutUseSslAreIgnored() throws DcsException {
        ZooKeeperConfig config = ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "use_ssl", false, "cacert", "/ca.pem"));
        assertEquals("z:2181", config.connectString());
    }

    @Test
    void setAclsBecomeX509AclsOnCreatedZnodes() throws DcsException {
        Map<String, Object> acls = new LinkedHashMap<>();
        acls.put("CN=zookeeper-admin", List.of("ALL"));
        acls.put("CN=patroni", List.of("read", "Write", "CREATE", "delete"));
        ZooKeeperConfig config = ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "set_acls", acls));
        assertEquals(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", "CN=zookeeper-admin")),
                new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE | ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE,
                        new Id("x509", "CN=patroni"))), config.aclsForCreate());
    }

    @Test
    void withoutSetAclsZnodesAreOpen() throws DcsException {
        assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, ZooKeeperConfig.parse(Map.of("hosts", "z:2181")).aclsForCreate());
    }

    @Test
    void anUnknownPermissionIsAnError() {
        DcsException error = assertThrows(DcsException.class, () -> ZooKeeperConfig.parse(
                Map.of("hosts", "z:2181", "set_acls", Map.of("CN=x", List.of("READ", "EXECUTE")))));
        assertTrue(error.getMessage().contains("EXECUTE"), error.getMessage());
    }

    @Test
    void authDataAsAMapOrAList() throws DcsException {
        ZooKeeperConfig map = ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "auth_data", Map.of("digest", "u:secret")));
        assertEquals(Map.of("digest", "u:secret"), map.authData());
        ZooKeeperConfig list = ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "auth_data", List.of("digest:u:secret")));
        assertEquals(Map.of("digest", "u:secret"), list.authData());
        assertThrows(DcsException.class, () -> ZooKeeperConfig.parse(Map.of("hosts", "z", "auth_data", List.of("x"))));
    }

    @Test
    void credentialsNeverAppearInToString() throws DcsException {
        ZooKeeperConfig config = ZooKeeperConfig.parse(Map.of("hosts", "z:2181", "auth_data", Map.of("digest", "u:secret")));
        assertFalse(config.toString().contains("secret"), config.toString());
    }
}
