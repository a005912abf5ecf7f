package io.jpatroni.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import io.jpatroni.core.cluster.Json;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.config.ClientTlsConfig;
import io.jpatroni.core.config.PatroniConfig;
import io.jpatroni.core.ha.PeerStatus;
import io.jpatroni.core.tls.TlsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every peer's REST API for its status in parallel, 2 s each, no retries (ha-loop.md §8.2.1 step 7).
 * A peer's answer is hostile input: more than {@link #MAX_RESPONSE_BYTES} makes the probe fail
 * instead of filling the heap (a real status document is 1-3 KiB).
 */
final class PeerClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PeerClient.class);

    private final HttpClient http;

    /** Plain HTTP, or HTTPS without a client certificate. */
    PeerClient() {
        this(Optional.empty());
    }

    /** @param ssl for https api_urls: presents the client certificate, does not verify peers (rest-api.md §2.4) */
    PeerClient(Optional<SSLContext> ssl) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1);
        ssl.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /** With the ctl/restapi client certificate when one is configured (checked at start, so a failure here is rare). */
    static PeerClient forConfig(PatroniConfig config) {
        try {
            return new PeerClient(Optional.of(ClientTlsConfig.of(config).peerContext()));
        } catch (TlsException e) {
            LOG.error("member-to-member calls go without a client certificate: {}", e.getMessage());
            return new PeerClient();
        }
    }

    List<PeerStatus> fetch(List<MemberInfo> peers) {
        List<CompletableFuture<PeerStatus>> calls = peers.stream().map(this::fetchOne).toList();
        return calls.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<PeerStatus> fetchOne(MemberInfo peer) {
        if (peer.apiUrl().isEmpty()) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(peer.name()));
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(peer.apiUrl())).timeout(TIMEOUT).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(peer.name()));
        }
        return http.sendAsync(request, info -> new CappedBody(MAX_RESPONSE_BYTES))
                .thenApply(response -> parse(peer.name(), response.body()))
                .completeOnTimeout(PeerStatus.unreachable(peer.name()), TIMEOUT.toMillis() + 200,
                        java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(e -> PeerStatus.unreachable(peer.name()));
    }

    /** Collects a body of at most {@code cap} bytes; a longer one cancels the download and fails the probe. */
    static final class CappedBody implements HttpResponse.BodySubscriber<String> {

        private final int cap;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (bytes.size() + (long) item.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("peer answer is larger than " + cap + " bytes"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    /** A peer is usable only if it reports WAL positions, is not nofailover and its watchdog is fine. */
    static PeerStatus parse(String name, String body) {
        JsonNode json = Json.parse(body);
        JsonNode xlog = json.has("xlog") ? json.get("xlog") : json.get("wal");
        if (xlog == null || !xlog.isObject()) {
            return PeerStatus.unreachable(name);
        }
        JsonNode tags = json.path("tags");
        boolean nofailover = MemberInfo.truthy(Json.MAPPER.convertValue(tags.get("nofailover"), Object.class));
        boolean watchdogFailed = json.path("watchdog_failed").asBoolean(false);
        String role = json.path("role").asText("");
        boolean inRecovery = !(xlog.has("location") || "primary".equals(role) || "master".equals(role));
        long position = inRecovery
                ? Math.max(xlog.path("received_location").asLong(0), xlog.path("replayed_location").asLong(0)) : 0;
        int priority = nofailover ? 0 : tags.path("failover_priority").asInt(1);
        OptionalLong timeline = json.path("timeline").canConvertToLong()
                ? OptionalLong.of(json.path("timeline").asLong()) : OptionalLong.empty();
        return new PeerStatus(name, !nofailover && !watchdogFailed, inRecovery, position, priority, timeline);
    }
}
