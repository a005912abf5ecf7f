package io.jpatroni.core.ctl;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

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

    /** @param basicAuth {@code username:password}, if the API asks for it */
    public HttpMemberApi(Optional<String> basicAuth, boolean insecure) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1);
        if (insecure) {
            builder.sslContext(trustAll());
        }
        this.client = builder.build();
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

    private static SSLContext trustAll() {
        TrustManager[] all = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, all, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
