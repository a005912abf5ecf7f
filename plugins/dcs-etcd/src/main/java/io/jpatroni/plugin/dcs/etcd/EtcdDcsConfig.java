package io.jpatroni.plugin.dcs.etcd;

import io.jpatroni.api.dcs.DcsException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connection part of an {@code etcd3:} or {@code etcd:} section (config.md §3.6): where etcd
 * is, how to authenticate and whether to use TLS. Endpoints are full URIs such as
 * {@code http://10.0.0.5:2379}.
 */
public record EtcdDcsConfig(String section, List<URI> endpoints, Optional<String> username,
                            Optional<String> password, Optional<Path> cacert, Optional<Path> cert,
                            Optional<Path> key) {

    static final int DEFAULT_PORT = 2379;

    public EtcdDcsConfig {
        endpoints = List.copyOf(endpoints);
    }

    public boolean tls() {
        return endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
    }

    /** Endpoints as text for logs; credentials never appear here. */
    public String describeEndpoints() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }

    public static EtcdDcsConfig parse(String section, Map<String, Object> options) throws DcsException {
        String protocol = text(options, "protocol").orElse("http").toLowerCase(Locale.ROOT);
        if (!protocol.equals("http") && !protocol.equals("https")) {
            throw new DcsException(section + ".protocol must be http or https, not '" + protocol + "'");
        }
        List<URI> endpoints = new ArrayList<>();
        Optional<String> url = text(options, "url").or(() -> text(options, "proxy"));
        if (url.isPresent()) {
            endpoints.add(endpoint(section, url.get(), protocol));
        } else if (options.get("hosts") != null && !hostList(options.get("hosts")).isEmpty()) {
            for (String host : hostList(options.get("hosts"))) {
                endpoints.add(endpoint(section, host, protocol));
            }
        } else if (text(options, "host").isPresent()) {
            endpoints.add(endpoint(section, text(options, "host").get(), protocol));
        } else if (text(options, "srv").isPresent()) {
            throw new DcsException(section + ".srv (DNS SRV discovery) is not supported by jpatroni;"
                    + " list the etcd endpoints in " + section + ".hosts instead");
        } else {
            throw new DcsException("one of " + section + ".host, " + section + ".hosts, " + section + ".url or "
                    + section + ".proxy is required");
        }
        if (endpoints.stream().map(URI::getScheme).distinct().count() > 1) {
            throw new DcsException(section + ": all endpoints must use the same protocol (http or https)");
        }
        Optional<String> username = text(options, "username").or(() -> text(options, "user"));
        Optional<String> password = text(options, "password");
        if (username.isPresent() != password.isPresent()) {
            throw new DcsException(section + ".username and " + section + ".password must be given together");
        }
        return new EtcdDcsConfig(section, endpoints, username, password, text(options, "cacert").map(Path::of),
                text(options, "cert").map(Path::of), text(options, "key").map(Path::of));
    }

    /** {@code hosts} is a YAML list or one comma-separated string. */
    private static List<String> hostList(Object value) {
        List<String> hosts = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                if (item != null) {
                    hosts.addAll(splitComma(item.toString()));
                }
            }
        } else {
            hosts.addAll(splitComma(value.toString()));
        }
        return hosts;
    }

    private static List<String> splitComma(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /** Accepts {@code h:p}, {@code h} (port 2379), {@code [v6]:p} and full {@code scheme://h:p} URLs. */
    static URI endpoint(String section, String value, String protocol) throws DcsException {
        String text = value.strip();
        try {
            URI uri = text.contains("://") ? URI.create(text) : URI.create(protocol + "://" + text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new DcsException(section + ": endpoint '" + value + "' must use http or https");
            }
            if (uri.getHost() == null) {
                throw new DcsException(section + ": cannot read a host name from '" + value + "'");
            }
            int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
            return new URI(scheme, null, uri.getHost(), port, null, null, null);
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            throw new DcsException(section + ": '" + value + "' is not a valid etcd endpoint (" + e.getMessage() + ")");
        }
    }

    private static Optional<String> text(Map<String, Object> options, String key) {
        Object value = options.get(key);
        if (value == null) {
            return Optional.empty();
        }
        String text = value.toString().strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "EtcdDcsConfig[section=" + section + ", endpoints=" + describeEndpoints() + ", username="
                + username.orElse("-") + ", tls=" + tls() + "]";
    }
}
