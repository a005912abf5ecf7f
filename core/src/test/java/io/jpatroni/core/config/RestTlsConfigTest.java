package io.jpatroni.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restapi TLS/access keys and ctl's TLS keys as start and --validate-config see them. */
class RestTlsConfigTest {

    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    private static String restapi(String lines) {
        return "restapi:\n" + lines.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
    }

    private static List<String> errorPaths(String extra) throws ConfigException {
        return TestConfigs.errors(TestConfigs.minimalWith(extra)).stream().map(ConfigProblem::path).toList();
    }

    private static String errorText(String extra) throws ConfigException {
        return TestConfigs.errors(TestConfigs.minimalWith(extra)).toString();
    }

    @Test
    void aWorkingTlsSectionBindsAndMakesTheApiUrlHttps() throws Exception {
        Map<String, Object> raw = TestConfigs.minimalWith(restapi("certfile: " + certs.path("server.crt")
                + "\nkeyfile: " + certs.path("server-pkcs8-encrypted.key") + "\nkeyfile_password: '"
                + TestCertificates.PASSWORD + "'\ncafile: " + certs.path("ca.crt") + "\nverify_client: Optional"
                + "\nciphers: ECDHE-RSA-AES128-GCM-SHA256\nallowlist: [10.0.0.0/8, 127.0.0.1]"
                + "\nallowlist_include_members: true\nhttp_extra_headers: {X-A: a}\nhttps_extra_headers: {X-B: b}"));
        assertEquals(List.of(), TestConfigs.errors(raw));
        RestApiConfig rest = ConfigBinder.bind(raw).config().orElseThrow().restapi();
        assertEquals("https://10.0.0.1:8008/patroni", rest.apiUrl());
        assertEquals(ServerTls.ClientAuth.OPTIONAL, rest.tls().orElseThrow().verifyClient());
        assertEquals(List.of("10.0.0.0/8", "127.0.0.1"), rest.access().allowlist());
        assertTrue(rest.access().allowlistIncludeMembers());
        assertEquals(Map.of("X-A", "a", "X-B", "b"), rest.access().extraHeaders(true));
        assertEquals(Map.of("X-A", "a"), rest.access().extraHeaders(false));
        assertTrue(!rest.toString().contains(TestCertificates.PASSWORD), rest.toString());
    }

    @Test
    void unusableKeyMaterialIsAnErrorNamingTheKey() throws Exception {
        assertEquals(List.of("restapi.certfile"), errorPaths(restapi("certfile: " + dir.resolve("missing.crt"))));
        assertEquals(List.of("restapi.keyfile_password"), errorPaths(restapi("certfile: " + certs.path("server.crt")
                + "\nkeyfile: " + certs.path("server-pkcs1-aes.key") + "\nkeyfile_password: wrong")));
        assertEquals(List.of("restapi.keyfile"), errorPaths(restapi("certfile: " + certs.path("server.crt")
                + "\nkeyfile: " + certs.path("client.key"))));
        assertEquals(List.of("restapi.ciphers"), errorPaths(restapi("certfile: " + certs.path("server-combined.pem")
                + "\nciphers: 'ECDHE+AESGCM'")));
        assertTrue(errorText(restapi("certfile: " + certs.path("server-combined.pem") + "\nciphers: 'ECDHE+AESGCM'"))
                .contains("ECDHE+AESGCM"));
    }

    @Test
    void loadingTheConfigurationAloneReadsNoKeyFileSoJpatronictlNeedNotReadTheServersKey() throws Exception {
        Map<String, Object> raw = TestConfigs.minimalWith(restapi("certfile: " + dir.resolve("unreadable.crt")));
        PatroniConfig config = ConfigLoader.bind(raw).config();
        assertEquals("https://10.0.0.1:8008/patroni", config.restapi().apiUrl());
        assertEquals(List.of("restapi.certfile"), TlsFileChecks.check(config).stream().map(ConfigProblem::path).toList());
    }

    @Test
    void tlsKeysWithoutCertfileAreRefusedInsteadOfServingPlainHttp() throws Exception {
        assertEquals(List.of("restapi.keyfile"), errorPaths(restapi("keyfile: " + certs.path("server.key"))));
        assertEquals(List.of("restapi.verify_client"), errorPaths(restapi("verify_client: required")));
        assertEquals(List.of("restapi.verify_client"), errorPaths(restapi("certfile: "
                + certs.path("server-combined.pem") + "\nverify_client: sometimes")));
    }

    @Test
    void headersThatWouldSplitTheResponseAndBadNetworksAreRefused() throws Exception {
        assertEquals(List.of("restapi.http_extra_headers.X-A"),
                errorPaths(restapi("http_extra_headers: {X-A: \"a\\r\\nSet-Cookie: x=1\"}")));
        assertEquals(List.of("restapi.http_extra_headers.X A"), errorPaths(restapi("http_extra_headers: {X A: b}")));
        assertEquals(List.of("restapi.allowlist.0"), errorPaths(restapi("allowlist: [10.0.0.0/33]")));
        assertEquals(List.of("restapi.allowlist"), errorPaths(restapi("allowlist: 10.0.0.1")));
    }

    @Test
    void ctlClientCertificateIsCheckedAndFallsBackToRestapiAsPatroni302() throws Exception {
        assertEquals(List.of("ctl.keyfile"), errorPaths("ctl:\n  certfile: " + certs.path("client.crt")
                + "\n  keyfile: " + certs.path("server.key") + "\n"));
        assertEquals(List.of("ctl.cacert"), errorPaths("ctl:\n  cacert: " + dir.resolve("nope.crt") + "\n"));
        PatroniConfig config = ConfigBinder.bind(TestConfigs.minimalWith(restapi("certfile: "
                + certs.path("server-combined.pem") + "\ncafile: " + certs.path("ca.crt")) + "ctl:\n  insecure: on\n"))
                .config().orElseThrow();
        ClientTlsConfig client = ClientTlsConfig.of(config);
        assertEquals(Optional.of(certs.path("ca.crt")), client.cacert());
        assertEquals(Optional.of(certs.path("server-combined.pem")), client.certfile());
        assertTrue(client.insecure());
    }
}
