package io.jpatroni.core.postgres;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** libpq keyword/value connection strings: rendering with quoting, and parsing back. */
public final class ConnInfo {
    private ConnInfo() {
    }

    /** Renders entries in their order; null values are skipped; values are quoted when needed. */
    public static String render(Map<String, ?> params) {
        StringJoiner out = new StringJoiner(" ");
        for (Map.Entry<String, ?> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            out.add(e.getKey() + "=" + quote(String.valueOf(e.getValue())));
        }
        return out.toString();
    }

    static String quote(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = !Character.isWhitespace(c) && c != '\'' && c != '\\';
        }
        if (plain) {
            return value;
        }
        StringBuilder sb = new StringBuilder("'");
        for (char c : value.toCharArray()) {
            if (c == '\'' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }

    /** Parses a keyword/value string as libpq does (quotes, backslash escapes). */
    public static Map<String, String> parse(String conninfo) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = conninfo.length();
        while (true) {
            while (i < n && Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            int keyStart = i;
            while (i < n && conninfo.charAt(i) != '=' && !Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            String key = conninfo.substring(keyStart, i);
            while (i < n && Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            if (i >= n || conninfo.charAt(i) != '=') {
                throw new IllegalArgumentException("missing \"=\" after \"" + key + "\" in connection info string");
            }
            i++;
            while (i < n && Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && conninfo.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = conninfo.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(conninfo.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted string in connection info string");
                }
            } else {
                while (i < n && !Character.isWhitespace(conninfo.charAt(i))) {
                    char c = conninfo.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(conninfo.charAt(i++));
                    } else {
                        value.append(c);
                    }
                }
            }
            out.put(key, value.toString());
        }
    }
}
