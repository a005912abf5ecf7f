package io.jpatroni.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders {@code bootstrap.initdb} and {@code postgresql.basebackup} options (ha-loop.md §3.2, §4.2):
 * a list of strings ({@code data-checksums} → {@code --data-checksums}) and single-key maps
 * ({@code {encoding: UTF8}} → {@code --encoding=UTF8}), or one map. Quotes around values are removed.
 */
final class OptionRenderer {

    static final Set<String> INITDB_FORBIDDEN = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");
    static final Set<String> BASEBACKUP_FORBIDDEN = Set.of("pgdata", "format", "wal-method", "xlog-method", "gzip",
            "version", "dbname", "host", "port", "username", "password");

    private OptionRenderer() {
    }

    /**
     * @param forbiddenIsError initdb refuses to run with a forbidden option (ERROR); basebackup skips it (WARNING)
     */
    static List<String> render(String tool, Object options, String path, Set<String> forbidden, boolean forbiddenIsError,
                               Problems problems) {
        List<String> out = new ArrayList<>();
        if (options == null) {
            return out;
        }
        if (options instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (!key.isEmpty() && ValueParsers.truthy(v)) {
                    addPair(tool, key, v, path + "." + key, forbidden, forbiddenIsError, problems, out);
                }
            });
            return out;
        }
        if (!(options instanceof List<?> list)) {
            problems.error(path, options, "is not a list or a dictionary of " + tool + " options"
                    + " (expected e.g. [data-checksums, {encoding: UTF8}])");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemPath = path + "." + i;
            if (item instanceof String s) {
                if (allowed(tool, s, itemPath, forbidden, forbiddenIsError, problems)) {
                    out.add("--" + s);
                }
            } else if (item instanceof Map<?, ?> m && m.size() == 1) {
                Map.Entry<?, ?> e = m.entrySet().iterator().next();
                addPair(tool, String.valueOf(e.getKey()), e.getValue(), itemPath, forbidden, forbiddenIsError, problems, out);
            } else if (item instanceof Map<?, ?>) {
                problems.error(itemPath, item, "has several keys: write one key-value pair per list item");
            } else {
                problems.error(itemPath, item, "is not a string or a single key-value pair");
            }
        }
        return out;
    }

    private static void addPair(String tool, String key, Object value, String path, Set<String> forbidden,
                                boolean forbiddenIsError, Problems problems, List<String> out) {
        if (!allowed(tool, key, path, forbidden, forbiddenIsError, problems)) {
            return;
        }
        String text;
        if (value instanceof String s) {
            text = unquote(s);
        } else if (value instanceof Number) {
            text = ValueParsers.pythonStr(value);
            problems.warn(path, value, "is not a string; used as \"" + text + "\" (quote it to be explicit)");
        } else {
            problems.error(path, value, "is not a string value for " + tool + " option " + key);
            return;
        }
        if ("basebackup".equals(tool) && key.equals("compress")) {
            if (!text.startsWith("server-")) {
                problems.warn(path, value, "pg_basebackup option compress is only allowed as compress=server-... (PostgreSQL 15+); skipped");
                return;
            }
        }
        out.add("--" + key + "=" + text);
    }

    private static boolean allowed(String tool, String option, String path, Set<String> forbidden, boolean forbiddenIsError,
                                   Problems problems) {
        if (!forbidden.contains(option)) {
            return true;
        }
        String reason = "is not allowed: Patroni sets " + tool + " option " + option + " itself; remove it";
        if (forbiddenIsError) {
            problems.error(path, option, reason);
        } else {
            problems.warn(path, option, reason + " (skipped)");
        }
        return false;
    }

    static String unquote(String s) {
        if (s.length() >= 2) {
            char first = s.charAt(0);
            char last = s.charAt(s.length() - 1);
            if ((first == '"' || first == '\'') && first == last) {
                return s.substring(1, s.length() - 1);
            }
        }
        return s;
    }
}
