package io.jpatroni.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.jpatroni.api.dcs.Member;
import io.jpatroni.core.cluster.MemberInfo;
import io.jpatroni.core.ha.PeerStatus;
import io.jpatroni.core.tls.ClientTls;
import io.jpatroni.core.tls.ServerTls;
import io.jpatroni.core.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member-to-member status calls to an https api_url whose server demands a client certificate
 * (verify_client: required): PeerClient presents ctl.certfile (or restapi.certfile) and does not
 * verify the peer's certificate (rest-api.md §2.4), so a self-signed peer answers too.
 */
class PeerClientTlsTest {

    @TempDir
    Path dir;

    @Test
    void presentsTheClientCertificateToPeersThatRequireOne() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        // the peer: a self-signed (untrusted) server certificate, client certificates checked against the CA
        ServerTls tls = ServerTls.load(certs.path("ec.crt"), Optional.of(certs.path("ec-sec1.key")), Optional.empty(),
                Optional.of(certs.path("ca.crt")), Optional.empty(), ServerTls.ClientAuth.REQUIRED);
        HttpsServer peer = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.context().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        byte[] status = ("{\"state\":\"running\",\"role\":\"replica\",\"xlog\":{\"received_location\":100,"
                + "\"replayed_location\":90},\"timeline\":2}").getBytes(StandardCharsets.UTF_8);
        peer.createContext("/patroni", exchange -> {
            exchange.sendResponseHeaders(200, status.length);
            exchange.getResponseBody().write(status);
            exchange.close();
        });
        peer.start();
        try {
            MemberInfo member = MemberInfo.decode(new Member("node2", "{\"api_url\":\"https://127.0.0.1:"
                    + peer.getAddress().getPort() + "/patroni\"}", 1, "lease"));
            PeerClient withCertificate = new PeerClient(Optional.of(ClientTls.forPeers(
                    Optional.of(certs.path("client.crt")), Optional.of(certs.path("client.key")), Optional.empty())));
            List<PeerStatus> seen = withCertificate.fetch(List.of(member));
            assertTrue(seen.get(0).usable(), seen.toString());
            assertEquals(100, seen.get(0).walPosition());

            PeerClient anonymous = new PeerClient(Optional.of(ClientTls.forPeers(Optional.empty(), Optional.empty(),
                    Optional.empty())));
            assertFalse(anonymous.fetch(List.of(member)).get(0).usable(), "no client certificate, no answer");
        } finally {
            peer.stop(0);
        }
    }
}
