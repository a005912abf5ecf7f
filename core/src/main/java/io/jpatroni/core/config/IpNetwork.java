package io.jpatroni.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IP network of {@code restapi.allowlist} ({@code 10.0.0.0/8}, {@code fd00::/8}; host bits are
 * ignored as Python's {@code ip_network(v, False)} does), or a single address ({@code /32}, {@code /128}).
 */
public record IpNetwork(byte[] address, int prefix) {

    /** {@code a.b.c.d/n} or {@code v6/n}; empty for anything else (host names are resolved elsewhere). */
    public static Optional<IpNetwork> parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return literal(text.trim()).map(IpNetwork::host);
        }
        Optional<InetAddress> address = literal(text.substring(0, slash).trim());
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().getAddress().length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (prefix < 0 || prefix > bits) {
            return Optional.empty();
        }
        return Optional.of(new IpNetwork(address.get().getAddress(), prefix));
    }

    /** The network holding only {@code address}. */
    public static IpNetwork host(InetAddress address) {
        return new IpNetwork(address.getAddress(), address.getAddress().length * 8);
    }

    public boolean contains(InetAddress candidate) {
        byte[] other = candidate.getAddress();
        if (other.length != address.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (other[full] & mask) == (address[full] & mask);
    }

    /** An IP literal only: never a DNS lookup (InetAddress.getByName would resolve host names). */
    private static Optional<InetAddress> literal(String text) {
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        if (v4) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
