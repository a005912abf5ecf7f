package io.jpatroni.core.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.api.dcs.Member;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A member key decoded (dcs.md §2.2). {@code role} is normalised: Patroni 3.x's {@code master}
 * reads as {@code primary}.
 */
public record MemberInfo(String name, String role, String state, String connUrl, String apiUrl,
                         OptionalLong xlogLocation, OptionalLong replayLsn, OptionalLong receiveLsn,
                         Optional<String> replicationState, OptionalLong timeline, Map<String, Object> tags,
                         boolean checkpointAfterPromotePending, String version, Map<String, Object> data,
                         long keyVersion) {

    public static MemberInfo decode(Member member) {
        JsonNode json = Json.parse(member.value());
        if (!json.isObject() && member.value() != null && member.value().startsWith("postgres")) {
            return fromLegacyUrl(member);
        }
        String role = text(json, "role", "");
        return new MemberInfo(member.name(),
                "master".equals(role) ? "primary" : role,
                text(json, "state", ""),
                text(json, "conn_url", ""),
                text(json, "api_url", ""),
                number(json, "xlog_location"),
                number(json, "replay_lsn"),
                number(json, "receive_lsn"),
                Optional.ofNullable(json.get("replication_state")).filter(JsonNode::isTextual).map(JsonNode::asText),
                number(json, "timeline"),
                Json.toMap(json.get("tags")),
                json.has("checkpoint_after_promote") && !json.get("checkpoint_after_promote").asBoolean(true),
                text(json, "version", ""),
                Json.toMap(json),
                member.version());
    }

    /** The ancient format: a connection URL whose application_name parameter is the REST URL. */
    private static MemberInfo fromLegacyUrl(Member member) {
        String url = member.value();
        String api = "";
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String param : url.substring(q + 1).split("&")) {
                if (param.startsWith("application_name=")) {
                    api = java.net.URLDecoder.decode(param.substring("application_name=".length()),
                            java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            url = url.substring(0, q);
        }
        return new MemberInfo(member.name(), "", "", url, api, OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), Optional.empty(), OptionalLong.empty(), Map.of(), false, "",
                Map.of("conn_url", url, "api_url", api), member.version());
    }

    public boolean isPrimaryRole() {
        return "primary".equals(role);
    }

    public boolean nofailover() {
        return truthy(tags.get("nofailover"));
    }

    public boolean noloadbalance() {
        return truthy(tags.get("noloadbalance"));
    }

    public boolean clonefrom() {
        return truthy(tags.get("clonefrom"));
    }

    /** Excluded from synchronous duty: {@code nosync}, or a {@code sync_priority} of 0 or less. */
    public boolean nosync() {
        return truthy(tags.get("nosync")) || syncPriority() <= 0;
    }

    /** {@code sync_priority}, 1 when absent or not a number. */
    public int syncPriority() {
        Object p = tags.get("sync_priority");
        if (p instanceof Number n) {
            return n.intValue();
        }
        try {
            return p == null ? 1 : Integer.parseInt(p.toString().trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    public Optional<String> replicatefrom() {
        return Optional.ofNullable(tags.get("replicatefrom")).map(Object::toString);
    }

    /** Host of conn_url, or empty. */
    public Optional<String> host() {
        return connUri().map(URI::getHost);
    }

    /** Port of conn_url, 5432 when the URL names none. */
    public OptionalLong port() {
        return connUri().filter(u -> u.getHost() != null)
                .map(u -> OptionalLong.of(u.getPort() < 0 ? 5432 : u.getPort())).orElse(OptionalLong.empty());
    }

    private Optional<URI> connUri() {
        if (connUrl.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(connUrl));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Python truthiness, which Patroni uses for most tags: any non-empty string is true. */
    public static boolean truthy(Object value) {
        return io.jpatroni.core.config.ValueParsers.truthy(value);
    }

    static String text(JsonNode json, String field, String fallback) {
        JsonNode v = json.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : fallback;
    }

    static OptionalLong number(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return OptionalLong.empty();
        }
        if (v.isIntegralNumber()) {
            return OptionalLong.of(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return OptionalLong.of(Long.parseLong(v.asText()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}
