package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.rest.ClusterJson;
import io.jpatroni.core.rest.PyJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The member table of {@code jpatronictl list} (patronictl.md §2.5), built from the same per-member
 * document as {@code GET /cluster}. Columns: Member, Host, Role, State, TL, Lag in MB, then
 * Pending restart, Scheduled restart and Tags when asked for ({@code -e}) or when some member has
 * them; the title line carries the system identifier.
 */
public final class MemberTable {

    private static final List<String> BASE = List.of("Cluster", "Member", "Host", "Role", "State", "TL", "Lag in MB");
    private static final List<String> OPTIONAL = List.of("Pending restart", "Scheduled restart", "Tags");
    private static final Set<String> RIGHT_ALIGNED = Set.of("TL", "Lag in MB");
    private static final BigDecimal MEGABYTE = BigDecimal.valueOf(1024L * 1024L);

    private MemberTable() {
    }

    /** The text {@code list} prints for one cluster, every line ending in a newline. */
    public static String render(ClusterView view, String scope, boolean extended, OutputFormat format) {
        return render(view, scope, extended, format, false);
    }

    /**
     * The {@code topology} rendering (patronictl.md §3.2): the pretty table with the leader first,
     * every replica under the member it replicates from, names indented by level, tags in flow style.
     */
    public static String renderTopology(ClusterView view, String scope) {
        return render(view, scope, false, OutputFormat.PRETTY, true);
    }

    private static String render(ClusterView view, String scope, boolean extended, OutputFormat format,
                                 boolean topology) {
        Map<String, Object> cluster = ClusterJson.document(view, scope);
        List<Map<String, Object>> members = members(cluster);
        List<Map<String, Object>> withHost = members.stream().filter(m -> m.containsKey("host")).toList();

        List<String> columns = new ArrayList<>(BASE);
        for (String column : OPTIONAL) {
            if (extended || withHost.stream().anyMatch(m -> MemberInfo.truthy(m.get(key(column))))) {
                columns.add(column);
            }
        }
        Set<Object> hosts = new HashSet<>();
        withHost.forEach(m -> hosts.add(m.get("host")));
        boolean appendPort = withHost.stream().anyMatch(m -> m.containsKey("port") && !isDefaultPort(m.get("port")))
                || hosts.size() < withHost.size();

        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> m : members) {
            Map<String, Object> cells = new LinkedHashMap<>();
            cells.put("cluster", scope);
            cells.put("member", m.get("name"));
            Object host = m.getOrDefault("host", "");
            if (appendPort && !"".equals(host) && MemberInfo.truthy(m.get("port"))) {
                host = host + ":" + m.get("port");
            }
            cells.put("host", host);
            cells.put("role", titleCase(String.valueOf(m.get("role")).replace('_', ' ')));
            cells.put("state", m.get("state"));
            cells.put("tl", m.getOrDefault("timeline", ""));
            cells.put("lag_in_mb", lagInMb(m.getOrDefault("lag", "")));
            cells.put("pending_restart", MemberInfo.truthy(m.get("pending_restart")) ? "*" : "");
            if (m.get("scheduled_restart") instanceof Map<?, ?> restart) {
                String value = String.valueOf(restart.get("schedule"));
                if (restart.containsKey("postgres_version")) {
                    value += " if version < " + restart.get("postgres_version");
                }
                cells.put("scheduled_restart", value);
            } else if (m.containsKey("scheduled_restart")) {
                cells.put("scheduled_restart", m.get("scheduled_restart"));
            }
            cells.put("tags", m.getOrDefault("tags", ""));
            List<Object> row = new ArrayList<>();
            for (String column : columns) {
                row.add(cells.getOrDefault(key(column), ""));
            }
            rows.add(row);
        }
        if (topology) {
            rows = treeOrder(members, rows);
        }

        switch (format) {
            case JSON:
                return PyJson.write(elements(columns, rows)) + "\n";
            case YAML:
                return YamlText.block(elements(columns, rows)) + "\n";
            case TSV:
                return tsv(columns, rows);
            default:
                return pretty(view, scope, cluster, columns, rows, topology);
        }
    }

    /** Rows as objects keyed by column header; empty cells left out. */
    private static List<Map<String, Object>> elements(List<String> columns, List<List<Object>> rows) {
        List<Map<String, Object>> elements = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> element = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                if (!"".equals(text(row.get(i)))) {
                    element.put(columns.get(i), row.get(i));
                }
            }
            elements.add(element);
        }
        return elements;
    }

    private static String tsv(List<String> columns, List<List<Object>> rows) {
        StringBuilder out = new StringBuilder(String.join("\t", columns)).append('\n');
        int tags = columns.indexOf("Tags");
        for (List<Object> row : rows) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                Object v = row.get(i);
                texts.add(i == tags && MemberInfo.truthy(v) ? YamlText.flow(v).strip() : text(v));
            }
            out.append(String.join("\t", texts)).append('\n');
        }
        return out.toString();
    }

    private static String pretty(ClusterView view, String scope, Map<String, Object> cluster, List<String> columns,
                                 List<List<Object>> rows, boolean flowTags) {
        List<String> shown = columns.subList(1, columns.size());
        AsciiTable table = new AsciiTable(shown, shown.stream().map(RIGHT_ALIGNED::contains).toList());
        int tags = columns.indexOf("Tags");
        for (List<Object> row : rows) {
            List<String> texts = new ArrayList<>();
            for (int i = 1; i < row.size(); i++) {
                Object v = row.get(i);
                texts.add(i == tags && MemberInfo.truthy(v)
                        ? (flowTags ? YamlText.flow(v) : YamlText.block(v)).strip() : text(v));
            }
            table.add(texts);
        }
        String sysid = view.initialize().map(s -> s.isEmpty() ? "initializing" : s).orElse("uninitialized");
        StringBuilder out = new StringBuilder(table.render(" Cluster: " + scope + " (" + sysid + ") ")).append('\n');
        List<String> info = serviceInfo(cluster);
        if (!info.isEmpty()) {
            out.append(' ').append(String.join("\n ", info)).append('\n');
        }
        return out.toString();
    }

    /**
     * Rows reordered as a tree: the leader, then under each member the replicas whose
     * {@code replicatefrom} names it (the leader when the tag names no other replica). The
     * member cell of level n is prefixed by 2(n-1) spaces and {@code "+ "}.
     */
    private static List<List<Object>> treeOrder(List<Map<String, Object>> members, List<List<Object>> rows) {
        Map<String, List<Object>> rowByName = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            rowByName.put(String.valueOf(members.get(i).get("name")), rows.get(i));
        }
        Map<String, Object> leader = members.stream()
                .filter(m -> String.valueOf(m.get("role")).endsWith("leader")).findFirst().orElse(null);
        String leaderName = leader == null ? null : String.valueOf(leader.get("name"));
        Set<String> replicas = new HashSet<>();
        members.stream().filter(m -> m != leader).forEach(m -> replicas.add(String.valueOf(m.get("name"))));
        Map<String, List<String>> children = new LinkedHashMap<>();
        for (Map<String, Object> m : members) {
            if (m == leader) {
                continue;
            }
            String name = String.valueOf(m.get("name"));
            Object from = m.get("tags") instanceof Map<?, ?> tags ? tags.get("replicatefrom") : null;
            String parent = from != null && !name.equals(String.valueOf(from)) && replicas.contains(String.valueOf(from))
                    ? String.valueOf(from) : leaderName;
            children.computeIfAbsent(parent, k -> new ArrayList<>()).add(name);
        }
        List<List<Object>> ordered = new ArrayList<>();
        if (leaderName != null) {
            ordered.add(rowByName.get(leaderName));
        }
        addChildren(leaderName, 1, children, rowByName, ordered, new HashSet<>());
        return ordered;
    }

    private static void addChildren(String parent, int level, Map<String, List<String>> children,
                                    Map<String, List<Object>> rowByName, List<List<Object>> out, Set<String> seen) {
        for (String child : children.getOrDefault(parent, List.of())) {
            if (!seen.add(child)) {
                continue;
            }
            List<Object> row = new ArrayList<>(rowByName.get(child));
            row.set(1, " ".repeat(2 * (level - 1)) + "+ " + row.get(1));
            out.add(row);
            addChildren(child, level + 1, children, rowByName, out, seen);
        }
    }

    /** The trailer: maintenance mode and a scheduled switchover. */
    private static List<String> serviceInfo(Map<String, Object> cluster) {
        List<String> info = new ArrayList<>();
        if (MemberInfo.truthy(cluster.get("pause"))) {
            info.add("Maintenance mode: on");
        }
        if (cluster.get("scheduled_switchover") instanceof Map<?, ?> switchover) {
            StringBuilder line = new StringBuilder("Switchover scheduled at: ").append(switchover.get("at"));
            for (String name : List.of("from", "to")) {
                if (switchover.containsKey(name)) {
                    line.append('\n').append(String.format(Locale.ROOT, "%24s: %s", name, switchover.get(name)));
                }
            }
            info.add(line.toString());
        }
        return info;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> members(Map<String, Object> cluster) {
        return (List<Map<String, Object>>) cluster.get("members");
    }

    private static String key(String column) {
        return column.toLowerCase(Locale.ROOT).replace(' ', '_');
    }

    private static boolean isDefaultPort(Object port) {
        return port instanceof Number n && n.longValue() == 5432;
    }

    /** Bytes to MiB with round-half-to-even; text (such as {@code unknown}) is kept. */
    static Object lagInMb(Object lag) {
        if (lag instanceof Number n) {
            return new BigDecimal(n.toString()).divide(MEGABYTE).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        }
        return lag;
    }

    /** Python's str.title(): upper-case the first letter of each word, lower-case the rest. */
    static String titleCase(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean start = true;
        for (char c : text.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return b.toString();
    }

    /** How Python's str() prints the cell values that occur here. */
    static String text(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(value);
    }
}
