package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.api.dcs.DcsException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code consul:} section of patroni.yml (config.md §3.6): where the agent is, how to
 * authenticate, which consistency to read with, session checks and optional service
 * registration.
 */
public record ConsulDcsConfig(URI endpoint, Optional<String> token, Optional<String> dc, Consistency consistency,
                              List<String> checks, boolean registerService, List<String> serviceTags,
                              String serviceCheckInterval, Optional<String> serviceCheckTlsServerName,
                              boolean verify, Optional<Path> cacert, Optional<Path> cert, Optional<Path> key) {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulDcsConfig.class);
    static final String DEFAULT_HOST = "127.0.0.1:8500";
    static final int DEFAULT_PORT = 8500;

    /** Read consistency mode of Consul's KV reads. */
    public enum Consistency {
        DEFAULT, CONSISTENT, STALE;

        /** The query flag Consul expects, if any. */
        Optional<String> flag() {
            return this == DEFAULT ? Optional.empty() : Optional.of(name().toLowerCase(Locale.ROOT));
        }
    }

    public ConsulDcsConfig {
        checks = List.copyOf(checks);
        serviceTags = List.copyOf(serviceTags);
    }

    public boolean tls() {
        return "https".equals(endpoint.getScheme());
    }

    public static ConsulDcsConfig parse(Map<String, Object> options) throws DcsException {
        String scheme = text(options, "scheme").orElse("http").toLowerCase(Locale.ROOT);
        URI endpoint;
        Optional<String> url = text(options, "url");
        if (url.isPresent()) {
            endpoint = fromUrl(url.get());
        } else {
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new DcsException("consul.scheme must be http or https, not '" + scheme + "'");
            }
            endpoint = fromHost(text(options, "host").orElse(DEFAULT_HOST), options.get("port"), scheme);
        }
        Consistency consistency = Consistency.DEFAULT;
        Optional<String> c = text(options, "consistency");
        if (c.isPresent()) {
            try {
                consistency = Consistency.valueOf(c.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                LOG.warn("consul.consistency '{}' is not one of default, consistent, stale; using default", c.get());
            }
        }
        String interval = Optional.ofNullable(options.get("service_check_interval"))
                .map(v -> v instanceof Number n ? n + "s" : v.toString().strip())
                .filter(s -> !s.isEmpty()).orElse("5s");
        if (Durations.parse(interval).isEmpty()) {
            throw new DcsException("consul.service_check_interval '" + interval + "' is not a duration such as 5s");
        }
        return new ConsulDcsConfig(endpoint, text(options, "token"), text(options, "dc"), consistency,
                list(options.get("checks")), bool(options.get("register_service"), false),
                list(options.get("service_tags")), interval, text(options, "service_check_tls_server_name"),
                bool(options.get("verify"), true), text(options, "cacert").map(Path::of),
                text(options, "cert").map(Path::of), text(options, "key").map(Path::of));
    }

    private static URI fromUrl(String text) throws DcsException {
        try {
            URI uri = URI.create(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new DcsException("consul.url '" + text + "' must start with http:// or https://");
            }
            if (uri.getHost() == null) {
                throw new DcsException("consul.url '" + text + "' has no host");
            }
            return new URI(scheme, null, uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), null, null, null);
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            throw new DcsException("consul.url '" + text + "' is not a valid URL (" + e.getMessage() + ")");
        }
    }

    /** {@code h:p}, {@code h} (then {@code port}, else 8500), {@code [v6]:p}. */
    private static URI fromHost(String host, Object port, String scheme) throws DcsException {
        try {
            URI parsed = URI.create(scheme + "://" + host.strip());
            if (parsed.getHost() == null) {
                throw new DcsException("consul.host '" + host + "' is not host:port");
            }
            int p = parsed.getPort();
            if (p < 0) {
                p = port == null ? DEFAULT_PORT : Integer.parseInt(port.toString().strip());
            }
            return new URI(scheme, null, parsed.getHost(), p, null, null, null);
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            throw new DcsException("consul.host '" + host + "' / consul.port '" + port + "' is not a valid address ("
                    + e.getMessage() + ")");
        }
    }

    /** A YAML list, or one comma-separated string. */
    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        Collection<?> items = value instanceof Collection<?> c ? c : List.of(value.toString().split(","));
        for (Object item : items) {
            if (item != null && !item.toString().isBlank()) {
                out.add(item.toString().strip());
            }
        }
        return out;
    }

    /** YAML 1.1 booleans as Patroni reads them; strings such as {@code "on"} too. */
    static boolean bool(Object value, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "y", "1" -> true;
            case "false", "off", "no", "n", "0", "" -> false;
            default -> fallback;
        };
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
        // Never print the token.
        return "ConsulDcsConfig[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "***" : "-") + ", dc="
                + dc.orElse("-") + ", consistency=" + consistency + ", checks=" + checks + ", register_service="
                + registerService + ", service_tags=" + serviceTags + ", service_check_interval=" + serviceCheckInterval
                + ", verify=" + verify + "]";
    }
}
