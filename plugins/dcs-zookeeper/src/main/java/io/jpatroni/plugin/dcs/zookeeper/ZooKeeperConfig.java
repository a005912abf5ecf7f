package io.jpatroni.plugin.dcs.zookeeper;

import io.jpatroni.api.dcs.DcsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zookeeper:} section (config.md §3.6): where the ensemble is, the ACLs put on
 * created znodes and the credentials added to the session.
 *
 * @param hosts    {@code host:port} entries; a host without a port uses 2181
 * @param acls     ACLs for every znode this node creates; empty = open (world:anyone, all)
 * @param authData scheme → credential pairs added to every session (e.g. {@code digest → user:pass})
 */
public record ZooKeeperConfig(List<String> hosts, List<ACL> acls, Map<String, String> authData) {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperConfig.class);
    private static final List<String> TLS_KEYS = List.of("cacert", "cert", "key", "key_password", "verify");

    public ZooKeeperConfig {
        hosts = List.copyOf(hosts);
        acls = List.copyOf(acls);
        authData = Map.copyOf(authData);
    }

    /** The ensemble as the ZooKeeper client takes it: {@code h1:p1,h2:p2}. */
    public String connectString() {
        return String.join(",", hosts);
    }

    /** ACLs for created znodes: the configured ones, else open to everyone as Patroni does without {@code set_acls}. */
    List<ACL> aclsForCreate() {
        return acls.isEmpty() ? ZooDefs.Ids.OPEN_ACL_UNSAFE : acls;
    }

    public static ZooKeeperConfig parse(Map<String, Object> options) throws DcsException {
        List<String> hosts = hostList(options.get("hosts"));
        if (hosts.isEmpty()) {
            throw new DcsException("zookeeper.hosts is not defined (e.g. hosts: [127.0.0.1:2181])");
        }
        if (truthy(options.get("use_ssl"))) {
            throw new DcsException("zookeeper.use_ssl: TLS connections to ZooKeeper are not supported by jpatroni yet;"
                    + " remove use_ssl (and cacert/cert/key) or put a TLS-terminating proxy in front of ZooKeeper");
        }
        List<String> inert = TLS_KEYS.stream().filter(options::containsKey).toList();
        if (!inert.isEmpty()) {
            LOG.warn("zookeeper.{} ignored: TLS settings only apply with use_ssl, which jpatroni does not support",
                    String.join(", zookeeper.", inert));
        }
        return new ZooKeeperConfig(hosts, acls(options.get("set_acls")), authData(options.get("auth_data")));
    }

    /** {@code set_acls}: principal → permissions; x509 scheme as in Patroni. */
    private static List<ACL> acls(Object value) throws DcsException {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new DcsException("zookeeper.set_acls must be a map of principal to a list of permissions"
                    + " (READ, WRITE, CREATE, DELETE, ADMIN, ALL)");
        }
        List<ACL> acls = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String principal = String.valueOf(entry.getKey());
            int perms = 0;
            for (String permission : words(entry.getValue())) {
                perms |= switch (permission.toUpperCase(Locale.ROOT)) {
                    case "READ" -> ZooDefs.Perms.READ;
                    case "WRITE" -> ZooDefs.Perms.WRITE;
                    case "CREATE" -> ZooDefs.Perms.CREATE;
                    case "DELETE" -> ZooDefs.Perms.DELETE;
                    case "ADMIN" -> ZooDefs.Perms.ADMIN;
                    case "ALL" -> ZooDefs.Perms.ALL;
                    default -> throw new DcsException("zookeeper.set_acls." + principal + ": unknown permission '"
                            + permission + "' (READ, WRITE, CREATE, DELETE, ADMIN or ALL)");
                };
            }
            acls.add(new ACL(perms, new Id("x509", principal)));
        }
        return acls;
    }

    /** {@code auth_data}: scheme → credential (Patroni ≥ 3.3), or a list of {@code scheme:credential}. */
    private static Map<String, String> authData(Object value) throws DcsException {
        Map<String, String> auth = new LinkedHashMap<>();
        if (value == null) {
            return auth;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((scheme, credential) -> auth.put(String.valueOf(scheme), String.valueOf(credential)));
        } else if (value instanceof Collection<?> list) {
            for (Object item : list) {
                String text = String.valueOf(item);
                int colon = text.indexOf(':');
                if (colon <= 0) {
                    throw new DcsException("zookeeper.auth_data entry '" + mask(text) + "' is not scheme:credential");
                }
                auth.put(text.substring(0, colon), text.substring(colon + 1));
            }
        } else {
            throw new DcsException("zookeeper.auth_data must be a map of scheme to credential (e.g. digest: user:pass)");
        }
        return auth;
    }

    byte[] credential(String scheme) {
        return authData.get(scheme).getBytes(StandardCharsets.UTF_8);
    }

    private static String mask(String text) {
        return text.length() <= 3 ? "***" : text.substring(0, 3) + "***";
    }

    /** {@code hosts} is a YAML list or one comma-separated string. */
    private static List<String> hostList(Object value) {
        List<String> hosts = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                if (item != null) {
                    hosts.addAll(words(item));
                }
            }
        } else if (value != null) {
            hosts.addAll(words(value));
        }
        return hosts;
    }

    private static List<String> words(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                out.addAll(words(item));
            }
            return out;
        }
        if (value == null) {
            return out;
        }
        for (String part : value.toString().split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /** Python truthiness, as Patroni hands the raw value to its client: a non-empty string is true. */
    private static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return !value.toString().isEmpty();
    }

    @Override
    public String toString() {
        // Credentials never appear in logs.
        return "ZooKeeperConfig[hosts=" + connectString() + ", acls=" + acls.size() + ", auth=" + authData.keySet() + "]";
    }
}
