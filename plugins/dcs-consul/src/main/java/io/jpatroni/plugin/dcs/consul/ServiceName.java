package io.jpatroni.plugin.dcs.consul;

import java.util.Locale;

/**
 * A Consul service name from the cluster's scope (dcs.md §4.2): lower case; {@code .}, {@code _}
 * and spaces become {@code -}; any other character outside {@code [a-z0-9-]} becomes {@code u}
 * and its code point in decimal, at least 4 digits; at most 230 characters.
 */
final class ServiceName {

    static final int MAX_LENGTH = 230;

    private ServiceName() {
    }

    static String of(String scope) {
        StringBuilder out = new StringBuilder();
        scope.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-') {
                out.appendCodePoint(cp);
            } else if (cp == '.' || cp == '_' || cp == ' ') {
                out.append('-');
            } else {
                out.append('u').append(String.format(Locale.ROOT, "%04d", cp));
            }
        });
        return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) : out.toString();
    }
}
