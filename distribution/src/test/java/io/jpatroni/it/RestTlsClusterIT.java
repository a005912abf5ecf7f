package io.jpatroni.it;

import static io.jpatroni.it.ClusterHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.it.ClusterHarness.Node;
import io.jpatroni.it.ClusterHarness.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A one-node cluster whose REST API speaks HTTPS (certificates made here with openssl, the key
 * encrypted, verify_client optional): the member key in etcd advertises an https api_url, and the
 * packaged jpatronictl lists and restarts the member over TLS, verifying it with ctl.cacert and
 * presenting ctl.certfile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpLogsOnFailure.class)
class RestTlsClusterIT {

    private ClusterHarness cluster;
    private Path certs;
    private HttpClient https;

    @BeforeAll
    void start() throws Exception {
        cluster = new ClusterHarness(1, 20, 2);
        certs = Files.createDirectories(cluster.root.resolve("certs"));
        makeCertificates(certs);
        Node node = cluster.nodes.get(0);
        String yml = Files.readString(node.config);
        String tls = "  certfile: " + certs.resolve("server.crt") + "\n"
                + "  keyfile: " + certs.resolve("server-encrypted.key") + "\n"
                + "  keyfile_password: jpatroni-test\n"
                + "  cafile: " + certs.resolve("ca.crt") + "\n"
                + "  verify_client: optional\n"
                + "  https_extra_headers:\n    Strict-Transport-Security: max-age=31536000\n";
        assertTrue(yml.contains("\nrestapi:\n"), yml);
        yml = yml.replace("\nrestapi:\n", "\nrestapi:\n" + tls)
                + "ctl:\n  cacert: " + certs.resolve("ca.crt") + "\n  certfile: " + certs.resolve("client.crt")
                + "\n  keyfile: " + certs.resolve("client.key") + "\n";
        Files.writeString(node.config, yml);
        https = HttpClient.newBuilder().sslContext(trusting(certs.resolve("ca.crt")))
                .connectTimeout(Duration.ofSeconds(2)).build();
        cluster.startAll();
        await("node1 primary", Duration.ofSeconds(90), () -> cluster.writablePrimary().isPresent()
                && get("/primary").statusCode() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theMemberKeyAdvertisesHttpsAndJpatronictlWorksOverTls() throws Exception {
        Node node = cluster.nodes.get(0);
        String apiUrl = "https://127.0.0.1:" + node.restPort + "/patroni";
        await("the https api_url in the DCS", Duration.ofSeconds(20), () -> get("/cluster").body().contains(apiUrl));
        HttpResponse<String> health = get("/health");
        assertEquals("max-age=31536000", health.headers().firstValue("Strict-Transport-Security").orElse(""));
        // plain HTTP on the port gets no answer
        assertEquals(-1, node.rest("GET", "/health"));
        // verify_client optional: a write without a client certificate is refused
        HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + node.restPort + "/restart")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, anonymous.statusCode(), anonymous.body());

        Result list = cluster.ctl("", "list", "otus");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("node1"), list.toString());

        Result version = cluster.ctl("", "version", "otus");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().contains("node1"), version.toString());

        Result restart = cluster.ctl("", "restart", "otus", "node1", "--force");
        assertEquals(0, restart.exit(), restart.toString());
        assertTrue(restart.out().contains("Success: restart on member node1"), restart.toString());
        await("node1 primary again after the restart", Duration.ofSeconds(60),
                () -> cluster.writablePrimary().isPresent());
    }

    @Test
    void jpatronictlRefusesAServerItsCacertDoesNotVouchFor() throws Exception {
        Node node = cluster.nodes.get(0);
        Path other = cluster.root.resolve("ctl-other-ca.yml");
        Files.writeString(other, Files.readString(node.config).replace("cacert: " + certs.resolve("ca.crt"),
                "cacert: " + certs.resolve("other-ca.crt")));
        Result refused = ctlWith(other, "reload", "otus", "node1", "--force");
        assertTrue(refused.out().contains("Failed: reload for member node1"), refused.toString());
        Result trusted = cluster.ctl("", "reload", "otus", "node1", "--force");
        assertTrue(!trusted.out().contains("Failed"), trusted.toString());
    }

    private Result ctlWith(Path config, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ClusterHarness.DIST.resolve("bin/jpatronictl").toString(),
                "-c", config.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Result(p.exitValue(), out, err);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cluster.nodes.get(0).restPort
                + path)).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static void makeCertificates(Path dir) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=jpatroni IT CA");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out",
                "other-ca.crt", "-days", "2", "-subj", "/CN=another CA");
        for (String name : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + (name.equals("server") ? "127.0.0.1" : "jpatronictl"));
            openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2", "-extfile", "server.ext");
        }
        openssl(dir, "rsa", "-in", "server.key", "-traditional", "-aes256", "-passout", "pass:jpatroni-test",
                "-out", "server-encrypted.key");
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}
