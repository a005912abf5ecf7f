package io.jpatroni.core.config;

import java.util.Objects;

/** A {@code host:port} address; IPv6 hosts are written {@code [::1]:5432}. */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Splits at the last colon as Patroni does; brackets around an IPv6 host are removed.
     * {@code path} names the configuration key in the error message.
     */
    public static HostPort parse(String text, String path) throws ConfigException {
        if (text == null) {
            throw ConfigException.of(path, "", "is not defined.");
        }
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw notHostPort(path, text, "no port");
        }
        String host = t.substring(0, colon).strip();
        String portText = t.substring(colon + 1).strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.contains(",")) {
            throw notHostPort(path, text, "a single host is expected");
        }
        if (!portText.matches("[0-9]{1,5}")) {
            throw notHostPort(path, text, "port \"" + portText + "\" is not a number");
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw notHostPort(path, text, "port " + port + " is above 65535");
        }
        return new HostPort(host, port);
    }

    static ConfigException notHostPort(String path, String text, String detail) {
        return ConfigException.of(path, ValueParsers.describe(text),
                "is not host:port (" + detail + "; expected e.g. " + example(path) + ")");
    }

    static String example(String path) {
        return path != null && path.startsWith("postgresql") ? "0.0.0.0:5432" : "0.0.0.0:8008";
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
