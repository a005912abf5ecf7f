package io.jpatroni.core.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.config.RestAccessConfig;
import io.jpatroni.core.ctl.HttpMemberApi;
import io.jpatroni.core.ctl.MemberApi;
import io.jpatroni.core.tls.ClientTls;
import io.jpatroni.core.tls.KeyMaterial;
import io.jpatroni.core.tls.PemFiles;
import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TestCertificates;
import io.jpatroni.core.tls.TlsContexts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real RestServer over HTTPS with certificates made by openssl: the handshake, Patroni's
 * byte-exact answers written through the raw path (Router.writeAndClose) inside TLS, the three
 * verify_client modes, the allowlist by source address (127.0.0.2 is loopback too but not listed),
 * the extra headers, and jpatronictl's client verifying the server with ctl.cacert.
 */
class RestTlsIT {

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static SSLContext trustingClient;
    static SSLContext clientWithCertificate;
    static SSLContext clientWithStrangerCertificate;

    private RestServer server;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
        Optional<List<java.security.cert.X509Certificate>> ca = Optional.of(PemFiles.certificates(certs.path("ca.crt"),
                "ctl.cacert"));
        trustingClient = TlsContexts.client(Optional.empty(), ca, TlsContexts.ServerCheck.FULL);
        clientWithCertificate = TlsContexts.client(Optional.of(KeyMaterial.load("ctl", certs.path("client.crt"),
                Optional.of(certs.path("client.key")), Optional.empty())), ca, TlsContexts.ServerCheck.FULL);
        clientWithStrangerCertificate = TlsContexts.client(Optional.of(KeyMaterial.load("ctl",
                certs.path("stranger.crt"), Optional.of(certs.path("stranger.key")), Optional.empty())), ca,
                TlsContexts.ServerCheck.FULL);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private int start(ServerTls.ClientAuth mode, RestAccessConfig access) throws Exception {
        ServerTls tls = ServerTls.load(certs.path("server.crt"), Optional.of(certs.path("server-pkcs8-encrypted.key")),
                Optional.of(TestCertificates.PASSWORD), Optional.of(certs.path("ca.crt")), Optional.empty(), mode);
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("node1"), Optional.empty(),
                Optional.of(new FakeOperations()), Pacer.REAL, Clock.systemUTC(), Optional.of(tls), access);
        server.start();
        return server.port();
    }

    /** One request over TLS from {@code source}; the whole answer, or the handshake's failure. */
    static String https(SSLContext client, String source, int port, String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"),
                port, InetAddress.getByName(source), 0)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.0\r\n\r\n";
    }

    static String post(String path) {
        return "POST " + path + " HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}";
    }

    @Test
    void answersOverTlsByteForByteWithTheExtraHeaders() throws Exception {
        int port = start(ServerTls.ClientAuth.NONE, new RestAccessConfig(List.of(), false,
                Map.of("X-Frame-Options", "DENY", "X-Both", "http"), Map.of("Strict-Transport-Security",
                "max-age=31536000", "X-Both", "https")));
        String health = https(trustingClient, "127.0.0.1", port, get("/primary"));
        assertTrue(health.startsWith("HTTP/1.0 200 OK\r\n"), health);
        assertTrue(health.contains("\r\nX-Frame-Options: DENY\r\n"), health);
        assertTrue(health.contains("\r\nStrict-Transport-Security: max-age=31536000\r\n"), health);
        assertTrue(health.contains("\r\nX-Both: https\r\n") && !health.contains("X-Both: http\r\n"), health);
        assertEquals("HTTP/1.0 200 OK\r\n\r\n", https(trustingClient, "127.0.0.1", port,
                "OPTIONS /primary HTTP/1.0\r\n\r\n"));
        // plain HTTP to the HTTPS port gets nothing useful back
        String plain;
        try {
            plain = RawHttp.bare(port, "GET", "/primary");
        } catch (IOException e) {
            plain = "";
        }
        assertFalse(plain.startsWith("HTTP/1.0 200"), plain);
    }

    @Test
    void requiredRefusesTheHandshakeWithoutACertificateForEveryEndpoint() throws Exception {
        int port = start(ServerTls.ClientAuth.REQUIRED, RestAccessConfig.OPEN);
        assertRefused(trustingClient, port, get("/health"));
        assertRefused(clientWithStrangerCertificate, port, get("/health"));
        assertTrue(https(clientWithCertificate, "127.0.0.1", port, get("/health")).startsWith("HTTP/1.0 200"));
    }

    @Test
    void optionalLetsHealthChecksThroughButProtectedEndpointsNeedACertificate() throws Exception {
        int port = start(ServerTls.ClientAuth.OPTIONAL, RestAccessConfig.OPEN);
        assertTrue(https(trustingClient, "127.0.0.1", port, get("/health")).startsWith("HTTP/1.0 200"));
        String refused = https(trustingClient, "127.0.0.1", port, post("/restart"));
        assertEquals(403, RawHttp.code(refused), refused);
        assertEquals("client certificate required", RawHttp.body(refused));
        String allowed = https(clientWithCertificate, "127.0.0.1", port, post("/restart"));
        assertNotEquals(403, RawHttp.code(allowed), allowed);
        // a certificate from a CA the server does not name is not offered (or, if forced, fails the handshake)
        assertEquals(403, RawHttp.code(https(clientWithStrangerCertificate, "127.0.0.1", port, post("/restart"))));
    }

    @Test
    void theAllowlistGuardsWriteEndpointsBySourceAddress() throws Exception {
        int port = start(ServerTls.ClientAuth.NONE, new RestAccessConfig(List.of("127.0.0.1", "10.0.0.0/8"), false,
                Map.of(), Map.of()));
        String denied = https(trustingClient, "127.0.0.2", port, post("/reload"));
        assertEquals(403, RawHttp.code(denied), denied);
        assertEquals("Access is denied", RawHttp.body(denied));
        assertNotEquals(403, RawHttp.code(https(trustingClient, "127.0.0.1", port, post("/reload"))));
        // reading stays open to everyone
        assertTrue(https(trustingClient, "127.0.0.2", port, get("/health")).startsWith("HTTP/1.0 200"));
    }

    @Test
    void allowlistIncludeMembersLetsInTheHostsOfTheMembersApiUrls() throws Exception {
        FakeContext context = FakeContext.primary("node1");
        context.cluster = Optional.of(ClusterFixtures.cluster()
                .member("node1", "{\"api_url\":\"https://127.0.0.1:8008/patroni\"}")
                .member("node2", "{\"api_url\":\"https://localhost:8008/patroni\"}").view());
        ServerTls tls = ServerTls.load(certs.path("server-combined.pem"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), ServerTls.ClientAuth.NONE);
        server = new RestServer("127.0.0.1", 0, context, Optional.empty(), Optional.of(new FakeOperations()),
                Pacer.REAL, Clock.systemUTC(), Optional.of(tls), new RestAccessConfig(List.of(), true, Map.of(),
                Map.of()));
        server.start();
        int port = server.port();
        assertNotEquals(403, RawHttp.code(https(trustingClient, "127.0.0.1", port, post("/reload"))));
        assertEquals(403, RawHttp.code(https(trustingClient, "127.0.0.2", port, post("/reload"))));
        context.cluster = Optional.of(ClusterFixtures.cluster()
                .member("node2", "{\"api_url\":\"https://127.0.0.2:8008/patroni\"}").view());
        assertNotEquals(403, RawHttp.code(https(trustingClient, "127.0.0.2", port, post("/reload"))));
        assertEquals(403, RawHttp.code(https(trustingClient, "127.0.0.1", port, post("/reload"))));
        // a host name is looked up off the IO thread: allowed once its addresses are known
        context.cluster = Optional.of(ClusterFixtures.cluster()
                .member("node2", "{\"api_url\":\"https://localhost:8008/patroni\"}").view());
        long deadline = System.nanoTime() + 5_000_000_000L;
        int code = 403;
        while (code == 403 && System.nanoTime() < deadline) {
            code = RawHttp.code(https(trustingClient, "127.0.0.1", port, post("/reload")));
            if (code == 403) {
                Thread.sleep(50);
            }
        }
        assertNotEquals(403, code, "localhost resolves to 127.0.0.1");
        assertEquals(403, RawHttp.code(https(trustingClient, "127.0.0.2", port, post("/reload"))));
    }

    @Test
    void restapiCiphersRestrictTheTls12Suites() throws Exception {
        ServerTls tls = ServerTls.load(certs.path("server-combined.pem"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("ECDHE-RSA-AES256-GCM-SHA384"), ServerTls.ClientAuth.NONE);
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("node1"), Optional.empty(), Optional.empty(),
                Pacer.REAL, Clock.systemUTC(), Optional.of(tls), RestAccessConfig.OPEN);
        server.start();
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                tls12Handshake(server.port(), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertThrows(SSLException.class, () -> tls12Handshake(server.port(), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    }

    private static String tls12Handshake(int port, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingClient.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    @Test
    void aRotatedCertificateIsServedAfterReloadWithoutRebinding() throws Exception {
        Path rotating = dir.resolve("rotating.pem");
        java.nio.file.Files.copy(certs.path("server-combined.pem"), rotating,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ServerTls tls = ServerTls.load(rotating, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                ServerTls.ClientAuth.NONE);
        server = new RestServer("127.0.0.1", 0, FakeContext.primary("node1"), Optional.empty(), Optional.empty(),
                Pacer.REAL, Clock.systemUTC(), Optional.of(tls), RestAccessConfig.OPEN);
        server.start();
        java.math.BigInteger first = PemFiles.certificates(certs.path("server.crt"), "x").get(0).getSerialNumber();
        java.math.BigInteger second = PemFiles.certificates(certs.path("server2.crt"), "x").get(0).getSerialNumber();
        assertEquals(first, servedSerial(server.port()));

        java.nio.file.Files.writeString(rotating, java.nio.file.Files.readString(certs.path("server2.crt"))
                + java.nio.file.Files.readString(certs.path("server2.key")));
        assertTrue(server.reloadTls(Optional.of(ServerTls.load(rotating, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), ServerTls.ClientAuth.NONE))));
        assertEquals(second, servedSerial(server.port()));
        assertFalse(server.reloadTls(Optional.of(ServerTls.load(rotating, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), ServerTls.ClientAuth.REQUIRED))), "verify_client needs a restart");
        assertFalse(server.reloadTls(Optional.empty()), "switching TLS off needs a restart");
    }

    private static java.math.BigInteger servedSerial(int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingClient.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSerialNumber();
        }
    }

    @Test
    void clientsThatNeverFinishTheHandshakeAreDropped() throws Exception {
        int port = start(ServerTls.ClientAuth.OPTIONAL, RestAccessConfig.OPEN);
        long limit = RestServer.NO_REQUEST_TIMEOUT_MS + 3_000;
        // silent after connecting, and stalled inside a TLS record header
        for (byte[] prefix : List.of(new byte[0], new byte[] {0x16, 0x03, 0x01, 0x02, 0x00})) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout((int) limit);
                socket.getOutputStream().write(prefix);
                long started = System.nanoTime();
                int read;
                try {
                    read = socket.getInputStream().read();
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("a client stalled in the TLS handshake kept its connection " + limit + " ms");
                } catch (IOException e) {
                    read = -1; // reset: dropped as well
                }
                assertEquals(-1, read, "the server sent data to a stalled client");
                assertTrue((System.nanoTime() - started) / 1_000_000 < limit);
            }
        }
        assertTrue(https(trustingClient, "127.0.0.1", port, get("/health")).startsWith("HTTP/1.0 200"));
    }

    @Test
    void anAllowlistThatResolvesToNothingLetsNobodyIn() throws Exception {
        int port = start(ServerTls.ClientAuth.NONE, new RestAccessConfig(List.of("no-such-host.invalid"), false,
                Map.of(), Map.of()));
        assertEquals(403, RawHttp.code(https(trustingClient, "127.0.0.1", port, post("/reload"))));
    }

    @Test
    void jpatronictlVerifiesTheServerWithCtlCacertUnlessInsecure() throws Exception {
        int port = start(ServerTls.ClientAuth.OPTIONAL, RestAccessConfig.OPEN);
        String apiUrl = "https://127.0.0.1:" + port + "/patroni";
        MemberApi verified = new HttpMemberApi(Optional.empty(), ClientTls.load(Optional.of(certs.path("ca.crt")),
                Optional.of(certs.path("client.crt")), Optional.of(certs.path("client.key")), Optional.empty(), false));
        assertEquals(200, verified.call(apiUrl, "GET", "patroni", Optional.empty()).status());
        assertNotEquals(403, verified.call(apiUrl, "POST", "reload", Optional.of("{}")).status());

        MemberApi defaultCas = new HttpMemberApi(Optional.empty(), ClientTls.load(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false));
        assertThrows(SSLException.class, () -> defaultCas.call(apiUrl, "GET", "patroni", Optional.empty()));

        MemberApi insecure = new HttpMemberApi(Optional.empty(), true);
        assertEquals(200, insecure.call(apiUrl, "GET", "patroni", Optional.empty()).status());
        assertEquals(403, insecure.call(apiUrl, "POST", "reload", Optional.of("{}")).status());

        // the name jpatronictl connects to must be in the certificate unless insecure: localhost is, ::1 is not listened on
        MemberApi byName = new HttpMemberApi(Optional.empty(), ClientTls.load(Optional.of(certs.path("ca.crt")),
                Optional.empty(), Optional.empty(), Optional.empty(), false));
        assertEquals(200, byName.call("https://localhost:" + port + "/patroni", "GET", "patroni", Optional.empty())
                .status());
    }

    private static void assertRefused(SSLContext client, int port, String request) {
        String answer;
        try {
            answer = https(client, "127.0.0.1", port, request);
        } catch (IOException e) {
            return; // the handshake failed: refused
        }
        assertFalse(answer.startsWith("HTTP/"), "expected the TLS handshake to fail, got:\n" + answer);
    }
}
