package io.jpatroni.plugin.dcs.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code register_service: true} does with this node's published member data
 * (dcs.md §4.2): register a service {@code <scope>/<name>} with the role as tag and an HTTP
 * check against the REST API while PostgreSQL is running, deregister it once stopped.
 * Pure: decided from the member JSON alone, sent by {@link ConsulDcs}.
 */
sealed interface ServiceAction {

    Set<String> KNOWN_ROLES = Set.of("primary", "replica", "standby-leader");
    ObjectMapper JSON = new ObjectMapper();

    /** Register (or re-register: Consul replaces a registration with the same id). */
    record Register(String id, String name, List<String> tags, String address, int port, String checkUrl,
                    String interval, String deregisterAfter, Optional<String> tlsServerName) implements ServiceAction {

        public Register {
            tags = List.copyOf(tags);
        }

        /** The body of {@code PUT /v1/agent/service/register}. */
        Map<String, Object> body() {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("HTTP", checkUrl);
            check.put("Interval", interval);
            check.put("DeregisterCriticalServiceAfter", deregisterAfter);
            tlsServerName.ifPresent(n -> check.put("TLSServerName", n));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ID", id);
            body.put("Name", name);
            body.put("Tags", tags);
            body.put("Address", address);
            body.put("Port", port);
            body.put("Check", check);
            body.put("EnableTagOverride", true);
            return body;
        }
    }

    record Deregister(String id) implements ServiceAction {
    }

    /** Nothing to send; {@code warning} is logged once if present. */
    record Ignore(Optional<String> warning) implements ServiceAction {
    }

    static ServiceAction decide(String memberJson, String scope, String member, ConsulDcsConfig config,
                                Duration sessionTtl) {
        String id = scope + "/" + member;
        JsonNode data;
        try {
            data = JSON.readTree(memberJson);
        } catch (java.io.IOException e) {
            return new Ignore(Optional.of("Could not register service: member data is not JSON"));
        }
        if (data == null || !data.isObject()) {
            return new Ignore(Optional.of("Could not register service: member data is not a JSON object"));
        }
        String state = data.path("state").asText("");
        if (state.equals("stopped")) {
            return new Deregister(id);
        }
        String role = data.path("role").asText("").replace('_', '-');
        if (role.equals("master")) {
            role = "primary"; // 3.x name of the same role
        }
        if (!KNOWN_ROLES.contains(role)) {
            return new Ignore(Optional.of("Could not register service: unknown role type " + role));
        }
        if (!state.equals("running")) {
            return new Ignore(Optional.empty());
        }
        URI api;
        URI conn;
        try {
            api = URI.create(data.path("api_url").asText(""));
            conn = URI.create(data.path("conn_url").asText(""));
        } catch (IllegalArgumentException e) {
            return new Ignore(Optional.of("Could not register service: bad api_url/conn_url: " + e.getMessage()));
        }
        if (api.getHost() == null || conn.getHost() == null) {
            return new Ignore(Optional.of("Could not register service: api_url or conn_url has no host"));
        }
        String checkUrl = api.getScheme() + "://" + api.getRawAuthority() + "/" + role;
        List<String> tags = new ArrayList<>(config.serviceTags());
        tags.add(role);
        if (role.equals("primary")) {
            tags.add("master"); // what 3.x clients and existing DNS queries look for
        }
        Duration deregisterAfter = sessionTtl.multipliedBy(10);
        String address = conn.getHost().replaceAll("^\\[|\\]$", "");
        return new Register(id, ServiceName.of(scope), tags, address, conn.getPort() < 0 ? 5432 : conn.getPort(),
                checkUrl, config.serviceCheckInterval(), Durations.seconds(deregisterAfter),
                config.serviceCheckTlsServerName());
    }
}
