package io.jpatroni.plugin.dcs.consul;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Consul's HTTP API spoken directly by the tests, to look behind the plugin's back. */
final class RawConsul {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final Optional<String> token;

    RawConsul(String hostPort, Optional<String> token) {
        this.base = "http://" + hostPort + "/v1/";
        this.token = token;
    }

    RawConsul(String hostPort) {
        this(hostPort, Optional.empty());
    }

    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, UTF_8);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    Answer send(String method, String path, byte[] body) throws IOException, InterruptedException {
        int q = path.indexOf('?');
        String query = q < 0 ? "" : path.substring(q);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + ConsulHttp.encodePath(q < 0 ? path : path.substring(0, q))
                        + query))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(t -> b.header("X-Consul-Token", t));
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.body());
    }

    /** The exact bytes stored under {@code key} (no leading slash), via {@code ?raw}. */
    Optional<byte[]> rawValue(String key) throws IOException, InterruptedException {
        Answer a = send("GET", "kv/" + key + "?raw", null);
        return a.status() == 404 ? Optional.empty() : Optional.of(a.body());
    }

    /** The JSON entry of a key, if present. */
    Optional<JsonNode> entry(String key) throws IOException, InterruptedException {
        Answer a = send("GET", "kv/" + key, null);
        return a.status() == 404 ? Optional.empty() : Optional.of(a.json().get(0));
    }

    void destroySession(String id) throws IOException, InterruptedException {
        send("PUT", "session/destroy/" + id, null);
    }

    Optional<JsonNode> sessionInfo(String id) throws IOException, InterruptedException {
        JsonNode list = send("GET", "session/info/" + id, null).json();
        return list == null || list.isNull() || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    JsonNode services() throws IOException, InterruptedException {
        return send("GET", "agent/services", null).json();
    }

    void delete(String key) throws IOException, InterruptedException {
        send("DELETE", "kv/" + key, null);
    }
}
