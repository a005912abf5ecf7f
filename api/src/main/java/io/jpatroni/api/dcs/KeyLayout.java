package io.jpatroni.api.dcs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Patroni's key names under {@code /<namespace>/<scope>/} (dcs.md §1), and the one place that
 * turns a backend's flat list of keys into a {@link Cluster}, so that every backend reads the
 * same layout the same way.
 */
public final class KeyLayout {

    public static final String INITIALIZE = "initialize";
    public static final String CONFIG = "config";
    public static final String LEADER = "leader";
    public static final String STATUS = "status";
    public static final String LEGACY_OPTIME = "optime/leader";
    public static final String MEMBERS = "members/";
    public static final String FAILOVER = "failover";
    public static final String SYNC = "sync";
    public static final String HISTORY = "history";
    public static final String FAILSAFE = "failsafe";

    private KeyLayout() {
    }

    /** Collapses repeated, leading and trailing slashes: {@code /service/} and {@code service} are the same. */
    public static String basePath(String namespace, String scope) {
        String ns = normalise(namespace == null || namespace.isBlank() ? "service" : namespace);
        return "/" + ns + "/" + normalise(scope) + "/";
    }

    private static String normalise(String part) {
        return String.join("/", java.util.Arrays.stream(part.split("/")).filter(s -> !s.isEmpty()).toList());
    }

    /** One stored key, its path relative to the base path. */
    public record Node(String relativeKey, String value, long version, long modifyVersion, String session) {
        public Node(String relativeKey, String value, long version, String session) {
            this(relativeKey, value, version, version, session);
        }
    }

    public static Cluster assemble(List<Node> nodes) {
        Optional<StoredValue> initialize = Optional.empty();
        Optional<StoredValue> config = Optional.empty();
        Optional<StoredValue> status = Optional.empty();
        Optional<StoredValue> legacyOptime = Optional.empty();
        Optional<StoredValue> failover = Optional.empty();
        Optional<StoredValue> sync = Optional.empty();
        Optional<StoredValue> history = Optional.empty();
        Optional<StoredValue> failsafe = Optional.empty();
        Node leaderNode = null;
        List<Member> members = new ArrayList<>();
        for (Node node : nodes) {
            String key = node.relativeKey();
            StoredValue stored = new StoredValue(node.value(), node.version(), node.modifyVersion());
            switch (key) {
                case INITIALIZE -> initialize = Optional.of(stored);
                case CONFIG -> config = Optional.of(stored);
                case STATUS -> status = Optional.of(stored);
                case LEGACY_OPTIME -> legacyOptime = Optional.of(stored);
                case FAILOVER -> failover = Optional.of(stored);
                case SYNC -> sync = Optional.of(stored);
                case HISTORY -> history = Optional.of(stored);
                case FAILSAFE -> failsafe = Optional.of(stored);
                case LEADER -> leaderNode = node;
                default -> {
                    // Only direct children of members/ are members.
                    if (key.startsWith(MEMBERS) && key.length() > MEMBERS.length()
                            && key.indexOf('/', MEMBERS.length()) < 0) {
                        members.add(new Member(key.substring(MEMBERS.length()), node.value(), node.version(),
                                node.session()));
                    }
                }
            }
        }
        members.sort(java.util.Comparator.comparing(Member::name));
        Optional<Leader> leader = Optional.ofNullable(leaderNode)
                .filter(n -> n.value() != null && !n.value().isEmpty())
                .map(n -> new Leader(n.value(), n.version(), n.session()));
        Optional<StoredValue> statusOrLegacy = status.isPresent() ? status : legacyOptime;
        return new Cluster(initialize, config, leader, statusOrLegacy, members, failover, sync, history, failsafe);
    }
}
