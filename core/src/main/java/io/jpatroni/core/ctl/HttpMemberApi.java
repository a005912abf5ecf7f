package io.jpatroni.core.ctl;

import io.jpatroni.core.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * {@link MemberApi} over {@code java.net.http}: Basic auth when configured
 * ({@code ctl.authentication}, else {@code restapi.authentication}), server certificates verified
 * unless {@code insecure}. Read timeouts are long because a switchover answers only after up to
 * 2 × max(10, loop_wait) seconds.
 */
public final class HttpMemberApi implements MemberApi {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient client;
    private final Optional<String> authorization;

    /**
     * @param basicAuth {@code username:password}, if the API asks for it
     * @param insecure  accept any server certificate
     */
    public HttpMemberApi(Optional<String> basicAuth, boolean insecure) {
        this(basicAuth, TlsContexts.client(Optional.empty(), Optional.empty(),
                insecure ? TlsContexts.ServerCheck.NONE : TlsContexts.ServerCheck.FULL));
    }

    /** @param ssl for https api_urls: the CAs, client certificate and server check of {@code ctl} */
    public HttpMemberApi(Optional<String> basicAuth, SSLContext ssl) {
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
        this.authorization = basicAuth.map(a -> "Basic "
                + Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Response call(String apiUrl, String method, String endpoint, Optional<String> json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpointUri(apiUrl, endpoint)).timeout(READ_TIMEOUT)
                .header("User-Agent", "jpatronictl")
                .method(method, json.map(j -> HttpRequest.BodyPublishers.ofString(j, StandardCharsets.UTF_8))
                        .orElse(HttpRequest.BodyPublishers.noBody()));
        json.ifPresent(j -> request.header("Content-Type", "application/json"));
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response = client.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(response.statusCode(), response.body());
    }

    /** {@code http://10.0.0.1:8008/patroni} + {@code restart} → {@code http://10.0.0.1:8008/restart}. */
    static URI endpointUri(String apiUrl, String endpoint) throws IOException {
        try {
            URI api = new URI(apiUrl);
            if (api.getScheme() == null || api.getRawAuthority() == null) {
                throw new IOException("invalid api_url: " + apiUrl);
            }
            return new URI(api.getScheme() + "://" + api.getRawAuthority() + "/" + endpoint);
        } catch (URISyntaxException e) {
            throw new IOException("invalid api_url: " + apiUrl, e);
        }
    }
}
