package io.jpatroni.plugin.dcs.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jpatroni.api.dcs.DcsException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtcdDcsConfigTest {

    private static List<String> endpoints(Map<String, Object> options) throws DcsException {
        return EtcdDcsConfig.parse("etcd3", options).endpoints().stream().map(URI::toString).toList();
    }

    @Test
    void hostWithAndWithoutPort() throws DcsException {
        assertEquals(List.of("http://10.0.0.5:2379"), endpoints(Map.of("host", "10.0.0.5:2379")));
        assertEquals(List.of("http://etcd.local:2379"), endpoints(Map.of("host", "etcd.local")));
        assertEquals(List.of("http://[::1]:2380"), endpoints(Map.of("host", "[::1]:2380")));
    }

    @Test
    void hostsAsListOrCommaString() throws DcsException {
        List<String> expected = List.of("http://192.168.1.1:2379", "http://192.168.1.2:2379", "http://192.168.1.3:2379");
        assertEquals(expected, endpoints(Map.of("hosts", List.of("192.168.1.1:2379", "192.168.1.2:2379", "192.168.1.3:2379"))));
        assertEquals(expected, endpoints(Map.of("hosts", "192.168.1.1:2379, 192.168.1.2:2379,192.168.1.3:2379")));
        assertEquals(List.of("http://localhost:2379"), endpoints(Map.of("hosts", "localhost:2379", "protocol", "http")));
    }

    @Test
    void urlWinsAndKeepsItsScheme() throws DcsException {
        assertEquals(List.of("https://etcd:2379"), endpoints(Map.of("url", "https://etcd:2379", "hosts", "x:1")));
    }

    @Test
    void httpsWithCertificates() throws DcsException {
        EtcdDcsConfig config = EtcdDcsConfig.parse("etcd3", Map.of("hosts", List.of("a:2379", "b:2379"),
                "protocol", "https", "cacert", "/etc/ssl/ca.pem", "cert", "/etc/ssl/c.pem", "key", "/etc/ssl/k.pem"));
        assertTrue(config.tls());
        assertEquals(List.of("https://a:2379", "https://b:2379"), config.endpoints().stream().map(URI::toString).toList());
        assertEquals(Optional.of(Path.of("/etc/ssl/ca.pem")), config.cacert());
    }

    @Test
    void credentialsNeverShowInToString() throws DcsException {
        EtcdDcsConfig config = EtcdDcsConfig.parse("etcd", Map.of("host", "a:2379", "username", "patroni",
                "password", "s3cret"));
        assertEquals(Optional.of("patroni"), config.username());
        assertFalse(config.toString().contains("s3cret"));
    }

    @Test
    void clearErrors() {
        DcsException none = assertThrows(DcsException.class, () -> EtcdDcsConfig.parse("etcd3", Map.of()));
        assertTrue(none.getMessage().contains("etcd3.hosts"), none.getMessage());
        DcsException srv = assertThrows(DcsException.class, () -> EtcdDcsConfig.parse("etcd", Map.of("srv", "example.com")));
        assertTrue(srv.getMessage().contains("srv"), srv.getMessage());
        assertThrows(DcsException.class, () -> EtcdDcsConfig.parse("etcd3", Map.of("host", "a", "protocol", "ftp")));
        assertThrows(DcsException.class, () -> EtcdDcsConfig.parse("etcd3", Map.of("host", "a", "username", "u")));
        assertThrows(DcsException.class, () -> EtcdDcsConfig.parse("etcd3", Map.of("hosts", "http://a:1,https://b:2")));
    }

    @Test
    void attemptTimeoutSplitsRetryTimeoutOverEndpoints() {
        Runnable nothing = () -> { };
        assertEquals(Duration.ofMillis(3333), new EtcdCalls("x", 1, nothing).attemptTimeout(Duration.ofSeconds(10)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertEquals(Duration.ofMillis(2500), new EtcdCalls("x", 2, nothing).attemptTimeout(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(2), new EtcdCalls("x", 5, nothing).attemptTimeout(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(1), new EtcdCalls("x", 1, nothing).attemptTimeout(Duration.ofSeconds(2)));
    }
}
