package io.jpatroni.core.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/** A PostgreSQL node to clone from, follow or rewind from, as published in a member's conn_url. */
public record Upstream(String host, int port, String database, String memberName) {
    public Upstream {
        Objects.requireNonNull(host, "host");
        database = database == null || database.isEmpty() ? "postgres" : database;
    }

    /** Parses {@code postgres://host:port/dbname} (also {@code postgresql://}, IPv6 in brackets); port 5432 and db postgres by default. */
    public static Upstream fromConnUrl(String memberName, String connUrl) {
        try {
            URI uri = new URI(connUrl);
            String scheme = uri.getScheme();
            if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
                throw new IllegalArgumentException("not a postgres:// URL: " + connUrl);
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("no host in " + connUrl);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String path = uri.getPath();
            String db = path == null || path.length() <= 1 ? "postgres" : path.substring(1);
            return new Upstream(host, port, db, memberName);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid conn_url " + connUrl + ": " + e.getMessage(), e);
        }
    }
}
