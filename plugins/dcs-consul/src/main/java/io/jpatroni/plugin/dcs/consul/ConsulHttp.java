package io.jpatroni.plugin.dcs.consul;

import io.jpatroni.api.dcs.DcsException;
import io.jpatroni.api.dcs.support.Backoff;
import io.jpatroni.api.dcs.support.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consul's HTTP API over the JDK's {@link HttpClient}: one request per call with its own
 * timeout, retried with backoff until the caller's deadline, so that no call can outlive
 * {@code retry_timeout}. Answers with a status are returned to the caller (which knows what a
 * 404 means for its endpoint); only transport failures and Consul's "try again" errors are
 * retried.
 */
final class ConsulHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulHttp.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Safety margin over the request's own timeout before the future is abandoned. */
    private static final Duration GRACE = Duration.ofMillis(250);

    /** One answer of Consul: status, body and the X-Consul-Index header if present. */
    record Response(int status, byte[] body, OptionalLong index) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean ok() {
            return status == 200;
        }
    }

    enum Method { GET, PUT, DELETE }

    private final ConsulDcsConfig config;
    private final ExecutorService executor;
    private final HttpClient client;

    ConsulHttp(ConsulDcsConfig config) throws DcsException {
        this.config = config;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "consul-http-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(executor);
        if (config.tls()) {
            builder.sslContext(sslContext(config));
            if (!config.verify()) {
                SSLParameters params = new SSLParameters();
                params.setEndpointIdentificationAlgorithm(null);
                builder.sslParameters(params);
            }
        }
        this.client = builder.build();
    }

    /**
     * Sends one request, retrying transport failures until {@code deadline}; each attempt waits
     * at most {@code attemptTimeout} (and never past the deadline).
     */
    Response call(String what, Method method, String path, Map<String, String> query, byte[] body, Deadline deadline,
                  Duration attemptTimeout) throws DcsException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        Backoff backoff = new Backoff();
        int attempts = 0;
        String lastError = "no attempt made";
        while (!deadline.expired()) {
            attempts++;
            Duration timeout = min(attemptTimeout, deadline.remaining());
            if (timeout.toMillis() < 1) {
                break;
            }
            HttpRequest request = request(path, query, timeout).method(method.name(), publisher).build();
            try {
                Response response = await(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(ConsulHttp::response), timeout.plus(GRACE));
                if (!retryable(response)) {
                    return response;
                }
                lastError = "HTTP " + response.status() + ": " + response.text().strip();
            } catch (IOException e) {
                lastError = describe(e);
            }
            LOG.debug("{}: attempt {} failed: {}", what, attempts, lastError);
            backoff.pause(deadline, what);
        }
        throw new DcsException(what + ": Consul at " + config.endpoint() + " not reachable within retry_timeout ("
                + attempts + " attempts, last: " + lastError + ")");
    }

    /** A single request without retries (blocking queries): completes with the answer or an error. */
    CompletableFuture<Response> send(String path, Map<String, String> query, Duration timeout) {
        HttpRequest request = request(path, query, timeout).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(ConsulHttp::response);
    }

    private HttpRequest.Builder request(String path, Map<String, String> query, Duration timeout) {
        Map<String, String> params = new LinkedHashMap<>(query);
        // Agent endpoints are local to the agent; everything else can be asked of another datacenter.
        if (config.dc().isPresent() && !path.startsWith("agent/")) {
            params.putIfAbsent("dc", config.dc().get());
        }
        StringBuilder uri = new StringBuilder(config.endpoint().toString()).append("/v1/").append(encodePath(path));
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            uri.append(sep).append(encodeQuery(p.getKey()));
            if (p.getValue() != null) {
                uri.append('=').append(encodeQuery(p.getValue()));
            }
            sep = '&';
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(timeout);
        config.token().ifPresent(t -> builder.header("X-Consul-Token", t));
        return builder;
    }

    private static Response await(CompletableFuture<Response> future, Duration limit) throws IOException {
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("no answer within " + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (CancellationException e) {
            throw new IOException("cancelled", e);
        }
    }

    private static Response response(HttpResponse<byte[]> r) {
        OptionalLong index = r.headers().firstValue("X-Consul-Index")
                .map(v -> {
                    try {
                        return OptionalLong.of(Long.parseUnsignedLong(v.strip()));
                    } catch (NumberFormatException e) {
                        return OptionalLong.empty();
                    }
                }).orElse(OptionalLong.empty());
        return new Response(r.statusCode(), r.body() == null ? new byte[0] : r.body(), index);
    }

    /** Consul's answers that mean "the cluster cannot answer right now", worth asking again. */
    static boolean retryable(Response r) {
        if (r.status() == 502 || r.status() == 503 || r.status() == 504 || r.status() == 429) {
            return true;
        }
        if (r.status() != 500) {
            return false;
        }
        String text = r.text();
        return text.contains("No cluster leader") || text.contains("rpc error") || text.contains("leadership lost")
                || text.contains("i/o timeout") || text.contains("connection refused") || text.contains("EOF");
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Percent-encodes each segment of a key path (UTF-8), keeping the slashes between them. */
    static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String encodeQuery(String value) {
        return encodePath(value).replace("/", "%2F");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ TLS

    private static SSLContext sslContext(ConsulDcsConfig config) throws DcsException {
        try {
            TrustManager[] trust = null;
            if (!config.verify()) {
                trust = new TrustManager[] {new TrustEverything()};
            } else if (config.cacert().isPresent()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                try (InputStream in = Files.newInputStream(config.cacert().get())) {
                    for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("ca" + i++, cert);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                trust = tmf.getTrustManagers();
            }
            javax.net.ssl.KeyManager[] keys = null;
            if (config.cert().isPresent()) {
                keys = clientKeys(config);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new DcsException("consul: cannot set up TLS (cacert/cert/key): " + describe(e), e);
        }
    }

    /** A PEM client certificate (chain) and its PKCS#8 PEM key ({@code key}, or the same file as {@code cert}). */
    private static javax.net.ssl.KeyManager[] clientKeys(ConsulDcsConfig config)
            throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(config.cert().get())) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        String pem = Files.readString(config.key().orElse(config.cert().get()));
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new GeneralSecurityException("the client key must be a PKCS#8 PEM (BEGIN PRIVATE KEY);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        PrivateKey key = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (key == null) {
            throw new GeneralSecurityException("unsupported client key algorithm");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf.getKeyManagers();
    }

    /** {@code verify: false}: the operator asked not to check Consul's certificate. */
    private static final class TrustEverything implements X509TrustManager {
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
    }
}
